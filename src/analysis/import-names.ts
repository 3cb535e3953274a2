// How an import names a file of the project: its path without the extension (`src/db/redis.js` ->
// `src/db/redis`), or the directory whose `index` file it is. Per-file facts name the files they
// import this way (`CallFact.calleeFile`, `HelperCall.calleeFile`, `receiverImport.file`); the
// analysis keys what each file exports (`file::name`) by it.

/** `src/db/redis.js` -> `src/db/redis`. */
export function importName(path: string): string {
  return path.replace(/\.[^./]+$/, '');
}

/** Is `path` the file an import of `file` reaches (the file itself, or the directory's index)? */
export function isImportOf(file: string, path: string): boolean {
  const name = importName(path);
  return name === file || name === `${file}/index`;
}

/** What `map` (keyed `importName(path)::name`) holds for `name` exported by the file an import of `file` reaches. */
export function byImport<T>(map: ReadonlyMap<string, T>, file: string, name: string): T | undefined {
  return map.get(`${file}::${name}`) ?? map.get(`${file}/index::${name}`);
}
