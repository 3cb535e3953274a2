// The whole-project view the rules judge: owners merged across files, the
// releases each owner's methods perform, looping functions by name.
import type { Acquisition, FileFacts, LoopingFunction, ManifestFacts, Owner, Release } from '../facts/types.js';
import type { ModelSet } from '../models/index.js';

export interface MergedOwner {
  name: string;
  /** Every file that declares or implements it. */
  files: string[];
  fields: Owner['fields'];
  methods: (Owner['methods'][number] & { path: string })[];
  hasDropImpl: boolean;
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
  manifests: ManifestFacts[];
  models: ModelSet;
  owners: Map<string, MergedOwner>;
  /** Releases by `OwnerType.field`. */
  fieldReleases: Map<string, OwnedRelease[]>;
  /** Releases of locals / other receivers by method name, anywhere. */
  looping: Map<string, (LoopingFunction & { path: string })[]>;
  acquisitions: AcquisitionRef[];
}

export function buildProject(root: string, files: FileFacts[], manifests: ManifestFacts[], models: ModelSet): Project {
  const owners = new Map<string, MergedOwner>();
  const fieldReleases = new Map<string, OwnedRelease[]>();
  const looping = new Map<string, (LoopingFunction & { path: string })[]>();
  const acquisitions: AcquisitionRef[] = [];
  for (const file of files) {
    for (const owner of file.owners) {
      let merged = owners.get(owner.name);
      if (!merged) {
        merged = { name: owner.name, files: [], fields: [], methods: [], hasDropImpl: false };
        owners.set(owner.name, merged);
      }
      if (!merged.files.includes(file.path)) merged.files.push(file.path);
      merged.fields.push(...owner.fields);
      merged.methods.push(...owner.methods.map((m) => ({ ...m, path: file.path })));
      merged.hasDropImpl ||= owner.hasDropImpl;
    }
    for (const release of file.releases) {
      if (release.target.kind !== 'field' || !release.fn.ownerType) continue;
      const key = `${release.fn.ownerType}.${release.target.field}`;
      const list = fieldReleases.get(key) ?? [];
      list.push({ ...release, path: file.path });
      fieldReleases.set(key, list);
    }
    for (const fn of file.loopingFunctions) {
      const list = looping.get(fn.name) ?? [];
      list.push({ ...fn, path: file.path });
      looping.set(fn.name, list);
    }
    for (const acquisition of file.acquisitions) acquisitions.push({ file, acquisition });
  }
  return { root, files, manifests, models, owners, fieldReleases, looping, acquisitions };
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
 * The looping function a delegating body calls: prefer the same owner type,
 * then the same file, then a unique name in the project.
 */
export function resolveDelegate(project: Project, ref: AcquisitionRef, name: string): (LoopingFunction & { path: string }) | undefined {
  const candidates = project.looping.get(name);
  if (!candidates || candidates.length === 0) return undefined;
  const owner = ref.acquisition.fn.ownerType;
  return (
    candidates.find((c) => owner && c.ownerType === owner) ??
    candidates.find((c) => c.path === ref.file.path) ??
    (candidates.length === 1 ? candidates[0] : undefined)
  );
}
