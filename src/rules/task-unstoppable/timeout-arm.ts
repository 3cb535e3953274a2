// The timeout arm of a race whose timer is never cleared: `Promise.race([work, new Promise((_, reject) =>
// setTimeout(() => reject(..), ms))])`, or an executor that arms a timeout beside other work that can
// settle it. When the other arm wins, nothing clears the timer: each call leaves one pending timer,
// with its callback and everything that closes over, alive (and the event loop held) until it fires.
// It fires once and frees itself, so it is information (P2), the cost growing with the delay.
import type { AcquisitionRef } from '../../analysis/project.js';
import { symbolOf } from '../../analysis/project.js';
import type { ResourceModel } from '../../models/schema.js';
import type { RuleContext } from '../types.js';
import { acquisitionSite, formatPeriod } from '../shared/describe.js';

/** Below this delay a pending timer is gone before it matters. */
const SHORT_MS = 1000;

/** Reports the uncleared timeout arm of `ref` (production code: the rule has left tests out) when it is one; false when the caller should judge it as usual. */
export function reportTimeoutArm(ctx: RuleContext, ref: AcquisitionRef, model: ResourceModel): boolean {
  const { acquisition: a, file } = ref;
  const arm = a.timeoutArm;
  const fate = a.handle;
  if (!arm || a.kind !== 'timer' || a.fn.isEntryPoint || a.fn.name === '<module>') return false;
  // Kept where something may clear it, or released when an event comes: not this shape.
  if (fate.kind !== 'discarded' && fate.kind !== 'returned' && !(fate.kind === 'local' && !fate.releasedOn)) return false;
  if (a.unreferenced) {
    ctx.note({ counter: 'unreferenced', path: file.path, line: a.site.startLine, detail: `${a.api}: timeout arm unreferenced with ${a.unreferenced.how}` });
    return true;
  }
  if (arm.delayMs !== undefined && arm.delayMs < SHORT_MS) {
    ctx.note({ counter: 'one-shot', path: file.path, line: a.site.startLine, detail: `${a.api}: timeout arm of ${formatPeriod(arm.delayMs)}, gone soon after the race` });
    return true;
  }
  const symbol = symbolOf(a);
  const delay = arm.delayMs !== undefined ? formatPeriod(arm.delayMs) : arm.delay ? `\`${arm.delay}\`` : 'its delay';
  const clear = model.releases[0] ?? 'clearTimeout';
  const kept = fate.kind === 'local' ? `its id is kept in \`${fate.local}\`, which nothing clears with ${model.releases.map((r) => `\`${r}\``).join('/') || 'a release'}` : `its id is dropped: nothing can clear it`;
  ctx.report({
    ruleId: 'task-unstoppable',
    messageId: 'timeoutArm',
    ...acquisitionSite(ref),
    priority: 'P2',
    confidence: 'medium',
    message: `\`${a.api}\` in \`${symbol}()\` is the timeout arm of a race and is never cleared: when the other arm wins, the timer stays pending for ${delay} after each call`,
    evidence: [
      `its callback settles the promise with \`${arm.settles}\`, and ${arm.rival} (line ${arm.line})`,
      kept,
      `once the other arm settles the promise, the timer stays pending: it keeps its callback and what that closes over alive, and the event loop busy, until it fires ${delay} after the call`,
      'it fires once and then frees itself: this is information, its cost grows with the delay and the call rate',
    ],
    growth: `+1 pending timer per call of \`${symbol}()\` that the other arm wins, each held for ${delay}`,
    impact: model.cost?.summary ?? 'one pending timer and everything its callback references, until it fires',
    remediation: `Keep the id and clear it once the race settles: \`${clear}(id)\` in a \`finally\` (or in the other arm's callback).`,
    related: [{ path: file.path, line: arm.line, message: 'the other arm that can settle the promise first' }],
  });
  return true;
}
