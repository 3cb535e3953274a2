// A timer a connection's open handler starts (`ws.onopen = () => this.startHeartbeat()`) and its
// close handler stops (`ws.onclose = () => this.stopHeartbeat()`): each open of a connection comes
// after the close of the one before, so the timer stored over the field is never a live one.
import type { CallFact } from '../../facts/types.js';
import type { Project } from '../../analysis/project.js';
import { vocabularyOf } from '../../models/index.js';

/**
 * Evidence that `call` (a per-operation call of the function storing the timer in `owner`'s field)
 * is made by a connection's open handler of `owner`, in a file whose close handler of `owner` runs
 * one of `clearing` (the functions that clear the field), or is one. Undefined otherwise.
 */
export function closedBeforeReopen(project: Project, call: CallFact, owner: string, clearing: ReadonlySet<string>): string | undefined {
  const file = project.fileOfCall.get(call);
  const language = file === undefined ? undefined : project.languageOf.get(file);
  const handlers = language ? vocabularyOf(language).connectionHandlers : undefined;
  if (!handlers || call.callerOwner !== owner || !handlers.open.includes(call.caller)) return undefined;
  const direct = [...clearing].find((fn) => handlers.close.includes(fn));
  if (direct) return `\`${call.caller}\` of \`${owner}\` starts it, and \`${direct}\` of \`${owner}\` clears it: each connection's close stops it before the next open`;
  for (const fn of clearing) {
    const closer = (project.callers.get(fn) ?? []).find((k) => !k.reference && k.callerOwner === owner && handlers.close.includes(k.caller) && project.fileOfCall.get(k) === file);
    if (closer) return `\`${call.caller}\` of \`${owner}\` starts it, and \`${closer.caller}\` calls \`${fn}()\` (${file}${closer.line !== undefined ? `:${closer.line}` : ''}), which clears it: each connection's close stops it before the next open`;
  }
  return undefined;
}
