// The whole-project view the rules judge: owners merged across files, the
// releases each owner's methods perform, looping functions by name. Who calls
// what is read from it in call-graph.ts (re-exported here).
import type { Language, Acquisition, CallFact, FileFacts, LoopingFunction, Owner, Release } from '../facts/types.js';
import type { ModelSet } from '../models/index.js';
import type { ResourceModel } from '../models/schema.js';
import { loadedModuleCalls, loaderOnlyInstances } from './loaded-modules.js';
import { helperCallAcquisitions } from './helper-calls.js';
import { constructionAcquisitions } from './resource-types.js';
import { importedInstanceCalls, moduleInstanceIndex } from './imported-instances.js';

export interface MergedOwner {
  name: string;
  /** Every file that declares or implements it. */
  files: string[];
  fields: Owner['fields'];
  methods: (Owner['methods'][number] & { path: string })[];
  hasDropImpl: boolean;
  /** The decorators of its declarations, with the file of each. */
  decorators: (NonNullable<Owner['decorators']>[number] & { path: string })[];
  /** The classes it extends and its other names, from every declaration (see `Owner.bases`, `Owner.aliases`). */
  bases: string[];
  aliases: string[];
}

export interface OwnedRelease extends Release {
  path: string;
}

export interface AcquisitionRef {
  file: FileFacts;
  acquisition: Acquisition;
}

export interface Project {
  root: string;
  files: FileFacts[];
  models: ModelSet;
  owners: Map<string, MergedOwner>;
  /** Releases by `OwnerType.field`. */
  fieldReleases: Map<string, OwnedRelease[]>;
  /** Entries taken out of a field, by `OwnerType.field` (see `FileFacts.fieldShrinks`). */
  fieldShrinks: Map<string, { path: string; line: number; how: string }[]>;
  /** Releases of locals / other receivers by method name, anywhere. */
  looping: Map<string, (LoopingFunction & { path: string })[]>;
  acquisitions: AcquisitionRef[];
  /** Production callers by callee name. */
  callers: Map<string, CallFact[]>;
  /**
   * The file each call fact comes from: a call of a local helper can only reach a function of
   * that file, and a caller's own callers are looked up with its file.
   */
  fileOfCall: Map<CallFact, string>;
  /** The language of each file, by path. */
  languageOf: Map<string, Language>;
  /**
   * `Owner|path` of the classes only a directory loader makes instances of, each the receiver of
   * its own handler only (see `loaderOnlyInstances`): no call of unknown receiver reaches them.
   */
  loaderInstances: Set<string>;
}

/** The models with the project's own resource types added (see resource-types.ts). */
function withModels(models: ModelSet, extra: readonly ResourceModel[]): ModelSet {
  const byId = new Map(extra.map((m) => [m.id, m]));
  return { ...models, models: [...models.models, ...extra], get: (id) => byId.get(id) ?? models.get(id), byLanguage: (language) => models.byLanguage(language) };
}

export function buildProject(root: string, files: FileFacts[], models: ModelSet): Project {
  const owners = new Map<string, MergedOwner>();
  const fieldReleases = new Map<string, OwnedRelease[]>();
  const fieldShrinks = new Map<string, { path: string; line: number; how: string }[]>();
  const looping = new Map<string, (LoopingFunction & { path: string })[]>();
  const acquisitions: AcquisitionRef[] = [];
  const callers = new Map<string, CallFact[]>();
  const fileOfCall = new Map<CallFact, string>();
  const languageOf = new Map<string, Language>();
  const addCall = (call: CallFact, path: string): void => {
    fileOfCall.set(call, path);
    const list = callers.get(call.callee);
    if (list) list.push(call);
    else callers.set(call.callee, [call]);
  };
  const loaderMade: { owner: string; path: string }[] = [];
  /** Calls through a binding imported from another file: joined once every file's instances are known. */
  const throughImports: { call: CallFact; path: string }[] = [];
  for (const file of files) {
    languageOf.set(file.path, file.language);
    // Shared, not copied: calls are most of the facts; their files are kept beside them.
    for (const call of file.calls) {
      if (call.receiverImport) {
        throughImports.push({ call, path: file.path });
        continue;
      }
      // `event.run(..)` through a module a loader read from a directory: a call of each module's method.
      const loaded = call.loadedFrom ? loadedModuleCalls(call, file.path, files) : undefined;
      if (!loaded) addCall(call, file.path);
      for (const each of loaded ?? []) {
        addCall(each.call, file.path);
        if (call.loadedFrom!.ownInstance) loaderMade.push({ owner: each.call.calleeOwner!, path: each.path });
      }
    }
    for (const owner of file.owners) {
      let merged = owners.get(owner.name);
      if (!merged) {
        merged = { name: owner.name, files: [], fields: [], methods: [], hasDropImpl: false, decorators: [], bases: [], aliases: [] };
        owners.set(owner.name, merged);
      }
      if (!merged.files.includes(file.path)) merged.files.push(file.path);
      merged.fields.push(...owner.fields);
      merged.methods.push(...owner.methods.map((m) => ({ ...m, path: file.path })));
      merged.hasDropImpl ||= owner.hasDropImpl;
      for (const d of owner.decorators ?? []) merged.decorators.push({ ...d, path: file.path });
      for (const b of owner.bases ?? []) if (!merged.bases.includes(b)) merged.bases.push(b);
      for (const a of owner.aliases ?? []) if (!merged.aliases.includes(a)) merged.aliases.push(a);
    }
    for (const release of file.releases) {
      if (release.target.kind !== 'field' || !release.fn.ownerType) continue;
      const key = `${release.fn.ownerType}.${release.target.field}`;
      const list = fieldReleases.get(key) ?? [];
      list.push({ ...release, path: file.path });
      fieldReleases.set(key, list);
    }
    for (const shrink of file.fieldShrinks ?? []) {
      const key = `${shrink.ownerType}.${shrink.field}`;
      const list = fieldShrinks.get(key) ?? [];
      list.push({ path: file.path, line: shrink.line, how: shrink.how });
      fieldShrinks.set(key, list);
    }
    for (const fn of file.loopingFunctions) {
      const list = looping.get(fn.name) ?? [];
      list.push({ ...fn, path: file.path });
      looping.set(fn.name, list);
    }
    for (const acquisition of file.acquisitions) acquisitions.push({ file, acquisition });
  }
  if (throughImports.length > 0) {
    const instances = moduleInstanceIndex(files);
    for (const { call, path } of throughImports) for (const each of importedInstanceCalls(call, instances)) addCall(each, path);
  }
  acquisitions.push(...helperCallAcquisitions(files));
  // `new Session()` of a class that is itself a resource: judged with the class as its model.
  const constructed = constructionAcquisitions(files, models);
  acquisitions.push(...constructed.refs);
  if (constructed.models.length > 0) models = withModels(models, constructed.models);
  gateAcquisitions(files, owners, acquisitions);
  const loaderInstances = loaderOnlyInstances(loaderMade, callers);
  return { root, files, models, owners, fieldReleases, fieldShrinks, looping, acquisitions, callers, fileOfCall, languageOf, loaderInstances };
}

/**
 * `if tm.should_i_start_clock() { spawn(..) }`, where every method of that name the project shows
 * is a gate on a flag of its receiver (`FileFacts.onceGates`): what it guards starts once per
 * receiver while the flag holds, like a field flag of the gate's type (`guardedOnce.owner`).
 */
function gateAcquisitions(files: readonly FileFacts[], owners: ReadonlyMap<string, MergedOwner>, refs: AcquisitionRef[]): void {
  const gates = new Map<string, { name: string; ownerType: string; flag: string; line: number; path: string }[]>();
  for (const file of files) for (const g of file.onceGates ?? []) gates.set(g.name, [...(gates.get(g.name) ?? []), { ...g, path: file.path }]);
  if (gates.size === 0) return;
  refs.forEach((ref, i) => {
    const gatedBy = ref.acquisition.gatedBy;
    const found = gatedBy && !ref.acquisition.guardedOnce ? gates.get(gatedBy.callee) : undefined;
    if (!gatedBy || !found) return;
    // Another type's method of that name may be the one called: then nothing is known of the guard.
    const types = new Set(found.map((g) => g.ownerType));
    if (types.size !== 1 || [...owners.values()].some((o) => !types.has(o.name) && o.methods.some((m) => m.name === gatedBy.callee))) return;
    const gate = found[0]!;
    refs[i] = { file: ref.file, acquisition: { ...ref.acquisition, guardedOnce: { flag: `${gate.ownerType}::${gate.name}()`, line: gatedBy.line, perInstance: true, owner: gate.ownerType } } };
  });
}

/** `Type::method` for messages. */
export function symbolOf(a: Acquisition): string {
  return a.fn.ownerType ? `${a.fn.ownerType}::${a.fn.name}` : a.fn.name;
}

/** Releases of `Owner.field` that use one of the model's release methods. */
export function releasesOfField(project: Project, ownerType: string, field: string, releaseApis: readonly string[]): OwnedRelease[] {
  return (project.fieldReleases.get(`${ownerType}.${field}`) ?? []).filter((r) => releaseApis.includes(r.api));
}

/**
 * Releases of a handle kept in `Owner.field`: through that field, through the other fields that
 * hold the same handle (`alsoIn`: a collection it was also put into, drained by a teardown loop),
 * and through an owner that contains the owner in a field (`struct Server { inner: Inner }` whose
 * `Drop` kills `self.inner.child`), up to two levels of containment.
 */
export function releasesOfStored(project: Project, fate: { ownerType: string; field: string; alsoIn?: readonly string[] }, releaseApis: readonly string[]): OwnedRelease[] {
  const out = [fate.field, ...(fate.alsoIn ?? [])].flatMap((f) => releasesOfField(project, fate.ownerType, f, releaseApis));
  if (out.length > 0) return out;
  const contained = (ownerType: string, tail: readonly string[], depth: number): OwnedRelease[] => {
    if (depth > 2) return [];
    const found: OwnedRelease[] = [];
    for (const holder of containersOf(project).get(ownerType) ?? []) {
      const path = [holder.field, ...tail];
      for (const r of project.fieldReleases.get(`${holder.owner}.${holder.field}`) ?? []) {
        const written = r.target.kind === 'field' ? r.target.path : undefined;
        if (releaseApis.includes(r.api) && written && path.every((p, i) => written[i] === p)) found.push(r);
      }
      if (found.length === 0) found.push(...contained(holder.owner, path, depth + 1));
    }
    return found;
  };
  return contained(fate.ownerType, [fate.field], 1);
}

const containers = new WeakMap<Project, Map<string, { owner: string; field: string }[]>>();

/** By type name: the owners' fields whose declared type names it (`inner: Arc<Mutex<Inner>>` holds an `Inner`). */
function containersOf(project: Project): Map<string, { owner: string; field: string }[]> {
  let map = containers.get(project);
  if (map) return map;
  map = new Map();
  for (const owner of project.owners.values()) {
    for (const f of owner.fields) {
      for (const word of new Set(f.type?.match(/[A-Za-z_]\w*/g) ?? [])) {
        if (word === owner.name || !project.owners.has(word)) continue;
        const list = map.get(word) ?? [];
        list.push({ owner: owner.name, field: f.name });
        map.set(word, list);
      }
    }
  }
  containers.set(project, map);
  return map;
}

/**
 * The looping function a delegating body calls: prefer the same owner type,
 * then the same file, then a unique name in the project.
 */
export function resolveDelegate(project: Project, ref: AcquisitionRef, name: string): (LoopingFunction & { path: string }) | undefined {
  const candidates = project.looping.get(name);
  if (!candidates || candidates.length === 0) return undefined;
  const owner = ref.acquisition.fn.ownerType;
  // `server.run()`: a method of a value of unknown type, so not the spawning type's own `run`, nor a
  // free function: only a single method of that name on another type can be meant.
  if (ref.acquisition.body?.delegateOnOther) {
    const methods = candidates.filter((c) => c.ownerType !== undefined && c.ownerType !== owner);
    return methods.length === 1 ? methods[0] : undefined;
  }
  // `run(rx)`, `console::start(link)`: a free function, never a method of some type named alike.
  if (ref.acquisition.body?.delegateFree) {
    const free = candidates.filter((c) => c.ownerType === undefined);
    return free.find((c) => c.path === ref.file.path) ?? (free.length === 1 ? free[0] : undefined);
  }
  // `self._run()`, a thread subclass's `run`: that type's own method; another type's of that name is not it.
  const delegateOwner = ref.acquisition.body?.delegateOwner;
  if (delegateOwner !== undefined) return candidates.find((c) => c.ownerType === delegateOwner);
  return (
    candidates.find((c) => owner && c.ownerType === owner) ??
    candidates.find((c) => c.path === ref.file.path) ??
    (candidates.length === 1 ? candidates[0] : undefined)
  );
}

// The call-graph queries over this project, where the rules import them from.
export * from './call-graph.js';
