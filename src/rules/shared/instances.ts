// Whether a resource taken once per instance of a type grows: only if instances keep being made.
// "One per instance" is growth when a construction runs per operation (a session per connection)
// or a framework mounts instances (a component); when every construction the project shows is
// start-up code (`new Server()` at module level or in `main`, a service made by the constructor
// of an object itself made at start-up), the instances are a fixed few and the resource lives as
// long as they do: information, not a growing leak. An instance of a subclass, or one made through
// another name of the class, is one of its instances too.
import { constructionsOf, startedOnlyFromEntry, type MergedOwner, type Project } from '../../analysis/project.js';
import type { CallFact, Language } from '../../facts/types.js';
import { vocabularyOf } from '../../models/index.js';

/**
 * Why instances of `owner` (declared in `path`) are a fixed few, as an evidence line. Undefined
 * when they may grow: a component a framework mounts, a construction not shown to be start-up
 * code, or none in the files read (made by a library's users, a container, or code not read).
 * Call it only for what runs once per instance (a constructor, a set-up, a field guard).
 */
export function fewInstances(project: Project, owner: string | undefined, path: string, language: Language): string | undefined {
  if (!owner) return undefined;
  const methods = project.owners.get(owner)?.methods ?? [];
  const hooks = vocabularyOf(language).componentHooks ?? [];
  if (methods.some((m) => hooks.includes(m.name))) return undefined;
  const made = startUpConstructions(project, owner, path, 2);
  // Made by a dependency-injection container, once for the application, and by nothing else.
  const singleton = containerSingleton(project, owner, language);
  if (singleton && (made || constructionsOf(project, owner, path).length === 0)) {
    return `\`${singleton.text.replace(/\s+/g, ' ')}\` (${singleton.path}:${singleton.line}): the container makes one \`${owner}\` for the whole application${made ? ', and every other construction found is start-up code' : ', and no other construction was found'}; it does not grow with operations, so this is information`;
  }
  if (!made) return undefined;
  const names = [...new Set(made.map((m) => `\`${m.callerOwner && !m.callerOwner.includes('/') ? `${m.callerOwner}::` : ''}${m.caller}()\` (${project.fileOfCall.get(m) ?? 'another file'})`))];
  const others = [...new Set(made.flatMap((m) => (m.calleeOwner && m.calleeOwner !== owner ? [`\`${m.calleeOwner}\``] : [])))];
  const through = others.length > 0 ? ` (also as ${others.slice(0, 3).join(', ')}, ${others.length === 1 ? 'a subclass or another name' : 'subclasses or other names'} of it)` : '';
  return `every \`${owner}\`${through} found is made in ${names.slice(0, 3).join(', ')}${names.length > 3 ? ' ..' : ''}, which the files read show to run at start-up only: a fixed few instances, each holding one for as long as it lives; it does not grow with operations, so this is information`;
}

/**
 * The constructions of `owner` and of what is one of its instances too: a subclass (`class
 * WSGIMiddleware(_WSGIMiddleware)`, `class Api extends Client`, up to three levels down) or another
 * name of the class (`WSGIMiddleware = _WSGIMiddleware`). Each subclass's own file narrows its calls.
 */
function instanceConstructions(project: Project, owner: string, path: string | undefined): CallFact[] {
  const made = [...constructionsOf(project, owner, path)];
  const seen = new Set([owner]);
  let frontier = [owner];
  for (let level = 0; level < 3 && frontier.length > 0; level++) {
    const next: string[] = [];
    for (const name of frontier) {
      const aliases = project.owners.get(name)?.aliases ?? [];
      for (const alias of aliases) made.push(...constructionsOf(project, alias, undefined));
      for (const sub of [name, ...aliases].flatMap((n) => subclassesOf(project).get(n) ?? [])) {
        if (seen.has(sub.name)) continue;
        seen.add(sub.name);
        next.push(sub.name);
        made.push(...constructionsOf(project, sub.name, sub.files.length === 1 ? sub.files[0] : undefined));
      }
    }
    frontier = next;
  }
  return made;
}

const subclassIndex = new WeakMap<Project, Map<string, MergedOwner[]>>();

/** The owners declaring each base name (see `Owner.bases`), once per project. */
function subclassesOf(project: Project): Map<string, MergedOwner[]> {
  let map = subclassIndex.get(project);
  if (map) return map;
  map = new Map();
  for (const o of project.owners.values()) for (const b of o.bases) if (b !== o.name) map.set(b, [...(map.get(b) ?? []), o]);
  subclassIndex.set(project, map);
  return map;
}

/** The decorator by which a container makes one `owner` for the application (see `Vocabulary.containerSingletons`). */
function containerSingleton(project: Project, owner: string, language: Language): MergedOwner['decorators'][number] | undefined {
  const known = vocabularyOf(language).containerSingletons ?? [];
  return project.owners.get(owner)?.decorators.find((d) =>
    known.some((k) => k.decorator === d.name && k.module === d.module && (!k.when || new RegExp(k.when).test(d.text)) && !(k.unless && new RegExp(k.unless).test(d.text))),
  );
}

/**
 * The constructions of `owner` when every one runs at start-up: at module level, in the entry
 * point, behind a lazy singleton, in a function only the entry point reaches, or in the set-up of
 * another type whose own constructions are start-up code (up to `depth` types up).
 */
function startUpConstructions(project: Project, owner: string, path: string | undefined, depth: number): CallFact[] | undefined {
  const made = instanceConstructions(project, owner, path);
  if (made.length === 0) return undefined;
  for (const c of made) {
    if (c.callerIsEntryPoint || c.once || c.lazy || c.caller === '<module>') continue;
    const file = project.fileOfCall.get(c);
    if (startedOnlyFromEntry(project, { name: c.caller, ...(c.callerOwner ? { ownerType: c.callerOwner } : {}), ...(c.callerModule ? { module: c.callerModule } : {}) }, file)) continue;
    // Made by the set-up of another object: as few as that object's instances.
    if (depth > 0 && c.callerIsSetup && c.callerOwner && c.callerOwner !== owner && startUpConstructions(project, c.callerOwner, file, depth - 1)) continue;
    return undefined;
  }
  return made;
}
