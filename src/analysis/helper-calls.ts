// Resources opened through a function of another file: `const cxn = db.connect()`, where `connect()`
// in `database/redis.js` builds a new client on every call and returns it. Each file's facts say
// which of its functions hand back what they open (an acquisition whose fate is `returned`) and
// which calls of other files' functions it makes, with what it does with the result
// (`FileFacts.helperCalls`); joined here, the call becomes the acquisition: the model, kind and
// body are the helper's, the site, function and fate the caller's.
import type { Acquisition, FileFacts, HelperCall } from '../facts/types.js';
import type { AcquisitionRef } from './project.js';

/** Kinds a helper can open and hand back for its caller to keep or close. */
const HELPER_KINDS: ReadonlySet<string> = new Set(['connection', 'pool', 'process', 'worker', 'server', 'timer', 'watcher']);

/** `src/db/redis.js` -> `src/db/redis`: how an import names a file. */
const bare = (path: string): string => path.replace(/\.[^./]+$/, '');

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
      const key = `${bare(file.path)}::${a.fn.name}`;
      const known = helpers.get(key);
      if (known === undefined) helpers.set(key, { path: file.path, acquisition: a });
      else if (known && (known.acquisition.modelId !== a.modelId || known.path !== file.path)) helpers.set(key, null);
    }
  }
  return helpers;
}

/** The helper a call reaches: the function of that name in the file (or directory index) its import names. */
function helperOf(helpers: ReadonlyMap<string, { path: string; acquisition: Acquisition } | null>, call: HelperCall): { path: string; acquisition: Acquisition } | undefined {
  return helpers.get(`${call.calleeFile}::${call.callee}`) ?? helpers.get(`${call.calleeFile}/index::${call.callee}`) ?? undefined;
}

/** One acquisition per call of another file's helper, at the call, in the caller's file. */
export function helperCallAcquisitions(files: readonly FileFacts[]): AcquisitionRef[] {
  if (!files.some((f) => f.helperCalls?.length)) return [];
  const helpers = helpersOf(files);
  if (helpers.size === 0) return [];
  const out: AcquisitionRef[] = [];
  for (const file of files) {
    for (const call of file.helperCalls ?? []) {
      const helper = helperOf(helpers, call);
      if (!helper || helper.path === file.path) continue;
      const h = helper.acquisition;
      const a: Acquisition = {
        modelId: h.modelId,
        kind: h.kind,
        api: `${call.callee}()`,
        site: call.site,
        snippet: call.snippet,
        fn: call.fn,
        handle: call.handle,
        notes: [`\`${call.callee}()\` (${helper.path}:${h.site.startLine}) opens it with \`${h.api}\` and hands it back: each call opens one more`],
      };
      if (h.body) a.body = h.body;
      if (call.inLoop) a.inLoop = true;
      if (call.reusedByLoop !== undefined) a.reusedByLoop = call.reusedByLoop;
      out.push({ file, acquisition: a });
    }
  }
  return out;
}
