// Calls through an instance another file makes at module level and exports: `jobs.start()` after
// `import { jobs } from './jobs'`, where `jobs.ts` has `export const jobs = new JobController()`.
// Each file's facts say which instances it exports (`FileFacts.moduleInstances`) and which calls go
// through an imported binding (`CallFact.receiverImport`); joined here, such a call is one of the
// instance's class, as if the class were named at the call, instead of a call of unknown receiver.
import type { CallFact, FileFacts, ModuleInstance } from '../facts/types.js';
import { byImport, importName } from './import-names.js';

/** The exported module-level instances of the project, by `file::export name`. */
export function moduleInstanceIndex(files: readonly FileFacts[]): Map<string, ModuleInstance & { file: string }> {
  const out = new Map<string, ModuleInstance & { file: string }>();
  for (const file of files) for (const m of file.moduleInstances ?? []) out.set(`${importName(file.path)}::${m.name}`, { ...m, file: importName(file.path) });
  return out;
}

/**
 * The calls `call` (with a `receiverImport`) stands for. Through an exported instance of a class the
 * module imports by relative path or declares: the call of that class's method, as on a receiver
 * whose class the code names (a class that does not declare the method leaves it of unknown
 * receiver, as before). A default import's call is also kept as it was (a call of the module's
 * function of that name: a namespace import names the same). Otherwise the call itself: a class
 * from a package, a path alias or a global may be the project's or not.
 */
export function importedInstanceCalls(call: CallFact, index: ReadonlyMap<string, ModuleInstance & { file: string }>): CallFact[] {
  const via = call.receiverImport;
  if (!via || (call.calleeOwner !== undefined && call.calleeOwner !== '?')) return [call];
  const instance = byImport(index, via.file, via.name);
  if (!instance || instance.clsFile === undefined) return [call];
  const { receiverImport: _, calleeFile: __, ...rest } = call;
  const typed: CallFact = { ...rest, calleeOwner: instance.cls, calleeFile: instance.clsFile, typedReceiver: true };
  if (call.calleeOwner === '?') return [typed];
  // `store.load()` through the module object: already a call of the class its own file declares.
  return instance.clsFile === instance.file ? [call] : [call, typed];
}
