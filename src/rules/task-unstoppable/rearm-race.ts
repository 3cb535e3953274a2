// A self-re-arming timer chain whose re-arm waits for other work (an await, a promise callback, a
// callback handed to a queue) and whose stop does only half of what such a chain needs:
// - it clears the pending timer, but no stop flag is tested before the re-arm: a stop while the
//   work runs finds no timer pending, and the re-arm after the work starts the chain again;
// - it sets a flag the re-arm tests after the work, but the timer's id is dropped (or kept where
//   nothing clears it): a stop during the wait leaves the pending timer, which runs the work once
//   more, and a restart during the wait leaves two chains.
// Which of the two a real stop meets is timing: reported at P2.
import type { BodyFacts } from '../../facts/types.js';
import type { ResourceModel } from '../../models/schema.js';
import { releasesOfStored, symbolOf, type AcquisitionRef } from '../../analysis/project.js';
import { describeFate, acquisitionSite } from '../shared/describe.js';
import type { RuleContext } from '../types.js';

export function reportRearmRace(ctx: RuleContext, ref: AcquisitionRef, body: BodyFacts, model: ResourceModel): boolean {
  const { acquisition: a } = ref;
  const gap = body.rearmAfter;
  if (!gap || gap.stopFirst || a.kind !== 'timer' || a.fn.isEntryPoint || a.fn.name === '<module>') return false;
  const fate = a.handle;
  const releases = fate.kind === 'field' ? releasesOfStored(ctx.project, fate, model.releases) : [];
  const flags = body.exits.filter((e) => e.kind === 'cancellation' || e.kind === 'break');
  const stops = flags.filter((e) => e.kind === 'cancellation');
  const symbol = symbolOf(a);
  const chain = `the callback starts \`${symbol}()\` again${gap.via ? ` through \`${gap.via}()\`` : ''}, which arms the next timer only after ${gap.how} (line ${gap.line})`;
  const common = { ruleId: 'task-unstoppable', ...acquisitionSite(ref), priority: 'P2' as const, confidence: 'low' as const };
  if (releases.length > 0 && flags.length === 0) {
    const r = releases[0]!;
    const field = fate.kind === 'field' ? `${fate.ownerType}.${fate.field}` : '';
    ctx.report({
      ...common,
      messageId: 'rearmAfterClear',
      message: `\`${a.api}\` in \`${symbol}()\` re-arms after ${gap.how} without testing a stop flag: a stop while that work runs is undone`,
      evidence: [
        chain,
        `\`${r.fn.name}()\` clears the timer kept in \`${field}\` (${r.path}:${r.site.startLine}): that stops a pending timer, but while the work runs none is pending, and the re-arm after it arms a new one`,
        'no stop flag is tested on the way to the re-arm: a stop that comes during the work leaves the chain running for good; whether a stop meets it there is timing, so this is reported at P2',
      ],
      growth: `+1 chain left running per stop that comes while \`${symbol}()\`'s work is in flight`,
      impact: model.cost?.summary ?? 'one timer chain and everything its callback references, after its owner was stopped',
      remediation: `Set a stopped flag in \`${r.fn.name}()\` and test it right before re-arming (return instead of calling \`${a.api}\`), besides clearing the timer.`,
      related: releases.slice(0, 2).map((x) => ({ path: x.path, line: x.site.startLine, message: `${x.fn.name}() clears the pending timer here` })),
    });
    return true;
  }
  // Only a stop flag (`this.stopped`, `this._abort`), not any condition, and only tested after the work.
  if (stops.length > 0 && stops.every((f) => f.line >= gap.line) && (fate.kind === 'discarded' || (fate.kind === 'field' && releases.length === 0))) {
    const flag = stops[0]!;
    ctx.report({
      ...common,
      messageId: 'rearmUncancellable',
      message: `\`${a.api}\` in \`${symbol}()\` re-arms behind a stop flag, but nothing can clear the pending timer: a stop during the wait still runs one more round`,
      evidence: [
        chain,
        `the chain ends on a stop flag: ${flag.detail} (line ${flag.line}), tested only after that work`,
        `${describeFate(fate, model.handle ?? 'id')}${fate.kind === 'field' ? ', which nothing clears' : ''}: a stop cannot cancel the timer that is pending`,
        'a stop during the wait leaves that timer to fire and run the work once more before the flag ends the chain; a restart during the wait (the flag reset) leaves two chains running: reported at P2',
      ],
      growth: `+1 round after each stop, +1 chain per restart during the wait`,
      impact: model.cost?.summary ?? 'one more round of the work after a stop',
      remediation: `Keep the timer's id and clear it where the flag is set, as well as testing the flag before re-arming.`,
      related: [],
    });
    return true;
  }
  return false;
}
