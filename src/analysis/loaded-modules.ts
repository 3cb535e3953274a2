// Calls through event modules a loader reads from a directory (see `CallFact.loadedFrom`): each
// becomes a call of the method in each of that directory's files, so a method called only that
// way has known callers; one registered for the event its file is named after runs when that
// event fires, once for an event that fires once per process or login (vocabulary data).
import { posix } from 'node:path';
import type { CallFact, FileFacts, Language } from '../facts/types.js';
import { vocabularyOf } from '../models/index.js';
import { importName } from './import-names.js';

/**
 * The calls `call` stands for, one per class of the loaded directory's files declaring the
 * method; undefined when some file there has a class that does not declare it (inherited, or
 * no such module): then any method of the name may be meant, as before.
 */
export function loadedModuleCalls(call: CallFact, loaderPath: string, files: readonly FileFacts[]): { call: CallFact; path: string }[] | undefined {
  const from = call.loadedFrom;
  if (!from) return undefined;
  const out: { call: CallFact; path: string }[] = [];
  const { loadedFrom: _, typedReceiver: __, ...rest } = call;
  for (const file of files) {
    if (file.isTestFile || file.path === loaderPath || !inDirectory(file.path, from.dir, from.anchored === true)) continue;
    if (file.owners.length === 0) continue;
    const declaring = file.owners.filter((o) => o.methods.some((m) => m.name === call.callee));
    if (declaring.length === 0) return undefined;
    const event = eventOfFile(file.path);
    const once = from.eventFromFileName && oneShot(file.language, event);
    // `<client.on callback>` -> `<client.on callback for 'clientReady'>`: evidence names the event.
    const caller = from.eventFromFileName ? rest.caller.replace(/>$/, ` for '${event}'>`) : rest.caller;
    for (const owner of declaring) out.push({ call: { ...rest, caller, calleeOwner: owner.name, calleeFile: importName(file.path), ...(once ? { once: true as const } : {}) }, path: file.path });
  }
  return out.length > 0 ? out : undefined;
}

/** Is the file directly in `dir` (anchored: that directory; else one whose path ends with `dir`)? */
function inDirectory(path: string, dir: string, anchored: boolean): boolean {
  const parent = posix.dirname(path);
  const at = parent === '.' ? '' : parent;
  return anchored ? at === dir : at === dir || at.endsWith(`/${dir}`);
}

/** The event a file is named after: its name up to the first dot (`clientReady.ts`, `ready.event.js`). */
function eventOfFile(path: string): string {
  return posix.basename(path).split('.')[0]!;
}

function oneShot(language: Language, event: string): boolean {
  return vocabularyOf(language).oneShotEvents?.includes(event) ?? false;
}

/**
 * The classes (`Owner|path`) whose instances only directory loaders make, each kept as the loop's own
 * receiver (`loadedFrom.ownInstance`), and that nothing else in the project constructs: a method
 * call through a receiver of unknown type elsewhere cannot reach their methods.
 */
export function loaderOnlyInstances(made: readonly { owner: string; path: string }[], callers: ReadonlyMap<string, readonly CallFact[]>): Set<string> {
  const constructed = new Set((callers.get('constructor') ?? []).map((c) => c.calleeOwner));
  return new Set(made.filter((m) => !constructed.has(m.owner)).map((m) => `${m.owner}|${m.path}`));
}
