// task-reference-dropped: a task whose runtime holds it only weakly, started
// with its handle dropped at once: nothing keeps it alive, so it can be
// garbage-collected before it finishes (and nothing can cancel or await it).
import type { Rule } from '../types.js';
import { symbolOf } from '../../analysis/project.js';
import { isTestCode, acquisitionSite, locationOf } from '../shared/describe.js';

export const taskReferenceDropped: Rule = {
  meta: {
    id: 'task-reference-dropped',
    summary: 'A task the runtime keeps only a weak reference to, started with its handle dropped: it can vanish mid-run, and nothing can cancel or await it.',
    kinds: ['task'],
    defaultPriority: 'P2',
    precision: 'high',
    tags: ['task', 'lifecycle', 'shutdown'],
    messages: { dropped: '`{api}` in `{symbol}()` starts a task and keeps no reference to it: it can be collected before it finishes' },
  },
  check(ctx) {
    for (const ref of ctx.project.acquisitions) {
      const a = ref.acquisition;
      if (a.kind !== 'task' || a.handle.kind !== 'discarded') continue;
      const model = ctx.project.models.get(a.modelId);
      if (!model || model.role !== 'acquire' || !model.weakHandle) continue;
      // A looping body whose task is dropped is task-unstoppable's finding, at a higher priority.
      if (a.body?.longLived || (a.body?.delegatesTo && ctx.project.looping.has(a.body.delegatesTo))) continue;
      if (isTestCode(ref)) continue;
      const symbol = symbolOf(a);
      const handleType = model.handle ?? 'handle';
      ctx.report({
        ruleId: 'task-reference-dropped',
        messageId: 'dropped',
        ...acquisitionSite(ref),
        priority: 'P2',
        confidence: 'high',
        message: `\`${a.api}\` in \`${symbol}()\` starts a task and keeps no reference to it: it can be collected before it finishes`,
        evidence: [
          `the ${handleType} is ${a.handle.how.replace(/^result /, '')}`,
          `the runtime keeps only a weak reference to a ${handleType}: with no other reference, the garbage collector may destroy it mid-run`,
          `nothing can cancel it on shutdown or see its exception (it is reported only as "exception was never retrieved")`,
          ...(a.body?.delegatesTo ? [`it runs \`${a.body.delegatesTo}()\` to completion`] : []),
        ],
        growth: 'no growth: each task ends on its own, or is lost',
        impact: 'work that silently never finishes, an exception nobody sees, and a task shutdown cannot wait for',
        remediation: model.remediation ?? `Keep a reference to the ${handleType} until it is done.`,
        related: [],
      });
    }
  },
};
