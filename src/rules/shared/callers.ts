// Evidence about who runs a function when the project does not show how often: handed over as a
// value, or called from code whose own callers cannot be known.
import type { Acquisition, CallFact } from '../../facts/types.js';
import { callersOf, perEventCall, referencesOf, symbolOf, unknowableAbove, type Project } from '../../analysis/project.js';

/** "`handle()` is handed over as a value in `main()` ..": used, but how often it runs is not known. Undefined when it is not. */
export function referencedEvidence(project: Project, a: Acquisition, path: string): string | undefined {
  const references = referencesOf(project, a.fn, path);
  // Stored in a dispatch table (`CommandInfo{Handler: run}`, `set_defaults(func=run)`) whose calls do not show it runs once.
  if (references.length > 0 && references.every((c) => c.stored)) {
    const tables = [...new Set(references.map((c) => `\`${c.callerOwner ? `${c.callerOwner}.` : ''}${c.caller}\``))];
    return `\`${symbolOf(a)}()\` is stored in ${tables.slice(0, 3).join(', ')}${tables.length > 3 ? ' ..' : ''} and runs whenever that is called; the calls in sight do not show how often`;
  }
  const where = [...new Set(references.map((c) => (c.callerOwner && !c.callerOwner.includes('/') ? `${c.callerOwner}::${c.caller}` : c.caller)))];
  if (where.length === 0) return undefined;
  const shown = where.slice(0, 3).map((w) => `\`${w}()\``).join(', ');
  return `\`${symbolOf(a)}()\` is handed over as a value (a callback or handler) in ${shown}${where.length > 3 ? ' ..' : ''}, and runs whenever what it was handed to calls it: how often is not known`;
}

/**
 * What the project shows of the calls to the acquiring function (see `callersOf`), looking above
 * its direct callers too: calls that are all seen, from code whose own callers cannot be known,
 * show no more than calls through receivers of unknown type do. A path from a per-event handler
 * shows per operation whatever else is unknown.
 */
export function callersSeen(project: Project, a: Acquisition, path: string): { callers: ReturnType<typeof callersOf>; above?: CallFact } {
  const callers = callersOf(project, a.fn, path);
  if (callers !== 'known' || perEventCall(project, a.fn, path)) return { callers };
  const above = unknowableAbove(project, a.fn, path);
  return above ? { callers: 'unknowable', above } : { callers };
}

/** The evidence for a caller found by `callersSeen` whose own callers cannot be known. */
export function unknowableAboveEvidence(project: Project, a: Acquisition, above: CallFact): string {
  const caller = above.callerOwner && !above.callerOwner.includes('/') ? `${above.callerOwner}::${above.caller}` : above.caller;
  const at = project.fileOfCall.get(above);
  return `\`${symbolOf(a)}()\` is reached from \`${caller}()\`${at ? ` (${at}${above.line !== undefined ? `:${above.line}` : ''})` : ''}, which is called, among others, through receivers whose type leakaudit could not tell: how often it runs was not seen`;
}
