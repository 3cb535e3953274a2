// Resources opened through a function of another file: `const cxn = db.connect()`, where `connect()`
// in `database/redis.js` builds a new client on every call and returns it. Each file's facts say
// which of its functions hand back what they open (an acquisition whose fate is `returned`) and
// which calls of other files' functions it makes, with what it does with the result
// (`FileFacts.helperCalls`); joined here, the call becomes the acquisition: the model, kind and
// body are the helper's, the site, function and fate the caller's.
import type { Acquisition, FileFacts, HelperCall } from '../facts/types.js';
import type { AcquisitionRef } from './project.js';
import { byImport, importName } from './import-names.js';

/** Kinds a helper can open and hand back for its caller to keep or close. */
const HELPER_KINDS: ReadonlySet<string> = new Set(['connection', 'pool', 'process', 'worker', 'server', 'timer', 'watcher']);

/**
 * Helpers by `file::name`: free functions (or functions of the module's object) that return, on
 * every call, one resource they open. A function that may return one of two kinds is no single helper.
 */
function helpersOf(files: readonly FileFacts[]): Map<string, { path: string; acquisition: Acquisition } | null> {
  const helpers = new Map<string, { path: string; acquisition: Acquisition } | null>();
  for (const file of files) {
    if (file.isTestFile) continue;
    for (const a of file.acquisitions) {
      if (a.handle.kind !== 'returned' || !HELPER_KINDS.has(a.kind) || a.fn.isTest || a.inLoop || a.guardedOnce) continue;
      // A constructor hands back its object, the entry point nothing; a method needs its receiver's type.
      if (a.fn.isConstructor || a.fn.isEntryPoint || a.fn.name.startsWith('<') || (a.fn.ownerType !== undefined && a.fn.ownerType !== file.path)) continue;
      const key = `${importName(file.path)}::${a.fn.name}`;
      const known = helpers.get(key);
      if (known === undefined) helpers.set(key, { path: file.path, acquisition: a });
      else if (known && (known.acquisition.modelId !== a.modelId || known.path !== file.path)) helpers.set(key, null);
    }
  }
  return helpers;
}

/** One acquisition per call of another file's helper, at the call, in the caller's file. */
export function helperCallAcquisitions(files: readonly FileFacts[]): AcquisitionRef[] {
  if (!files.some((f) => f.helperCalls?.length)) return [];
  const helpers = helpersOf(files);
  if (helpers.size === 0) return [];
  const out: AcquisitionRef[] = [];
  for (const file of files) {
    for (const call of file.helperCalls ?? []) {
      const helper = byImport(helpers, call.calleeFile, call.callee) ?? undefined;
      if (!helper || helper.path === file.path) continue;
      const h = helper.acquisition;
      const a = acquisitionAtCall(call, h.modelId, h.kind, `${call.callee}()`, `\`${call.callee}()\` (${helper.path}:${h.site.startLine}) opens it with \`${h.api}\` and hands it back: each call opens one more`);
      if (h.body) a.body = h.body;
      out.push({ file, acquisition: a });
    }
  }
  return out;
}

/** The acquisition a call of another file's code makes: what it opens is the callee's, where and what becomes of it the caller's. */
export function acquisitionAtCall(call: HelperCall, modelId: string, kind: Acquisition['kind'], api: string, note: string): Acquisition {
  const a: Acquisition = { modelId, kind, api, site: call.site, snippet: call.snippet, fn: call.fn, handle: call.handle, notes: [note] };
  if (call.inLoop) a.inLoop = true;
  if (call.reusedByLoop !== undefined) a.reusedByLoop = call.reusedByLoop;
  return a;
}
