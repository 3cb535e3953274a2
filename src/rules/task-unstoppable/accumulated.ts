// Handles added to a collection field on every call, that nothing ever takes out: the
// collection only grows. A finished task's handle still holds its output (and a thread not
// joined or detached its stack) until the handle is dropped, so each call leaves one more
// behind, however short the task. Reported at P2: how often the function runs is not seen.
import type { ResourceModel } from '../../models/schema.js';
import { startedOnlyFromEntry, symbolOf, type AcquisitionRef } from '../../analysis/project.js';
import { acquisitionSite, locationOf } from '../shared/describe.js';
import type { RuleContext } from '../types.js';

export function reportAccumulated(ctx: RuleContext, ref: AcquisitionRef, model: ResourceModel): boolean {
  const { acquisition: a, file } = ref;
  const fate = a.handle;
  if (fate.kind !== 'field' || !fate.collection || (a.kind !== 'task' && a.kind !== 'thread')) return false;
  if (a.fn.constructOnce || a.fn.isEntryPoint || a.guardedOnce) return false;
  if ((ctx.project.fieldShrinks.get(`${fate.ownerType}.${fate.field}`) ?? []).length > 0) return false;
  if (startedOnlyFromEntry(ctx.project, a.fn, file.path)) return false;
  const symbol = symbolOf(a);
  const where = `\`${fate.ownerType}.${fate.field}\``;
  const handleType = model.handle ?? 'handle';
  const unit = a.kind === 'thread' ? 'thread' : 'task';
  ctx.report({
    ruleId: 'task-unstoppable',
    messageId: 'accumulated',
    ...acquisitionSite(ref),
    priority: 'P2',
    confidence: 'low',
    message: `\`${a.api}\` in \`${symbol}()\` adds a ${handleType} to ${where} on every call, and nothing ever takes one out`,
    evidence: [
      `the ${handleType} is added to ${where} (line ${fate.line})`,
      `nothing in the files read removes entries from ${where}, clears, drains or replaces it: it only grows`,
      `a ${handleType} kept after its ${unit} ends still holds what the ${unit} left (its output${a.kind === 'thread' ? ', and a thread neither joined nor detached its stack' : ''})`,
      `\`${symbol}()\` is not a constructor or entry point: how often it runs is not seen, so this is reported at P2`,
    ],
    growth: `+1 ${handleType} in ${where} per call of \`${symbol}()\`, never removed`,
    impact: `one ${handleType} and its ${unit}'s result per call, for the life of the \`${fate.ownerType}\``,
    remediation: `Take finished handles out of ${where} (\`retain(|h| !h.is_finished())\`, or remove the entry when its work completes), or keep them in a set that reaps them (a JoinSet).`,
    related: [],
  });
  return true;
}
