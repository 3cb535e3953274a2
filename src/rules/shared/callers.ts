// Evidence about who runs a function when the project shows it only handed over as a value.
import type { Acquisition } from '../../facts/types.js';
import { referencesOf, symbolOf, type Project } from '../../analysis/project.js';

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
