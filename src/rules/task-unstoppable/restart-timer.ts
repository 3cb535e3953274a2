// A one-shot timer that restarts work (`setTimeout(() => this.reconnect(), ms)`) and that nothing
// can clear: its id is dropped, or kept in a field nothing clears. The timer itself fires once and
// frees (small), but the restart it schedules outlives any teardown: a client closed during the
// wait reconnects, a stopped consumer starts again, an unmounted component opens a new socket.
import type { AcquisitionRef } from '../../analysis/project.js';
import { releasesOfStored, symbolOf } from '../../analysis/project.js';
import type { ResourceModel } from '../../models/schema.js';
import type { RuleContext } from '../types.js';
import { acquisitionSite, locationOf } from '../shared/describe.js';

/** Reports the restart timer of `ref` when it is one; false when the caller should judge it as usual. */
export function reportRestartTimer(ctx: RuleContext, ref: AcquisitionRef, model: ResourceModel): boolean {
  const { acquisition: a, file } = ref;
  const restart = a.restarts;
  if (restart === undefined || a.fn.isEntryPoint || a.fn.name === '<module>') return false;
  const fate = a.handle;
  let kept: string;
  if (fate.kind === 'discarded') kept = `its ${model.handle ?? 'id'} is dropped: nothing can clear it`;
  else if (fate.kind === 'field' && releasesOfStored(ctx.project, fate, model.releases).length === 0) {
    kept = `it is kept in \`${fate.ownerType}.${fate.field}\`, which nothing clears (${model.releases.map((r) => `\`${r}\``).join('/')})`;
  } else return false;
  const owner = fate.kind === 'field' ? fate.ownerType : a.fn.ownerType;
  const teardown = owner ? (ctx.project.owners.get(owner)?.methods.filter((m) => m.teardown) ?? []) : [];
  const names = [...new Set(teardown.map((m) => m.name))].map((n) => `\`${n}\``).join(', ');
  const symbol = symbolOf(a);
  const evidence = [
    `its callback calls \`${restart}\` without checking any stop flag first: it starts the work again whenever it fires`,
    kept,
    teardown.length > 0
      ? `\`${owner}\` has ${names}, but none clears this timer: a teardown during the wait is undone when it fires`
      : `no teardown of its owner can clear it either: a close or unmount during the wait is undone when it fires`,
    'the timer itself fires once and is freed: the leak is what the restart opens again after its owner was closed, and the event loop kept alive until then',
  ];
  ctx.report({
    ruleId: 'task-unstoppable',
    messageId: 'restartUncleared',
    ...acquisitionSite(ref),
    priority: teardown.length > 0 ? 'P1' : 'P2',
    confidence: teardown.length > 0 ? 'medium' : 'low',
    message: `\`${a.api}\` in \`${symbol}()\` schedules \`${restart}\` with a timer nothing can clear: it restarts even after its owner is closed`,
    evidence,
    growth: `+1 restart scheduled per call of \`${symbol}()\`, each able to reopen what a teardown closed`,
    impact: 'whatever the restart opens (a connection, a consumer, a poll) after the owner was closed, and the event loop held until the timer fires',
    remediation: 'Keep the timeout id in a field and clearTimeout() it in the teardown, and check a closed/stopped flag in the callback before restarting.',
    related: teardown.map((m) => ({ path: m.path, line: m.site.startLine, message: `teardown \`${owner}::${m.name}\` does not clear it` })),
  });
  return true;
}
