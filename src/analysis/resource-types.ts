// A project's own resource types: a class whose constructor opens a modelled resource, keeps it in a
// field, and releases it in a teardown of its own (`close()`, `stop()`, `dispose()`..). Making one
// opens that resource, so a `new` of it whose object is dropped, or left in a local nothing
// releases (`FileFacts.constructions`), is the same finding as a dropped modelled handle: judged at
// the `new`, by the rule of the resource's kind, with the class's teardown as its release. One kept
// in a field or collection, returned or handed on is its keeper's, as before.
import type { Acquisition, FileFacts, Owner, Release } from '../facts/types.js';
import { vocabularyOf, type ModelSet } from '../models/index.js';
import type { ResourceModel } from '../models/schema.js';
import type { AcquisitionRef } from './project.js';
import { acquisitionAtCall } from './helper-calls.js';
import { byImport, importName } from './import-names.js';

/** Kinds whose rules judge a dropped or unreleased handle by its fate alone. */
const TYPE_KINDS: ReadonlySet<string> = new Set(['connection', 'pool', 'process', 'worker', 'server', 'watcher']);

/**
 * Teardown names a caller's release of the object is read with (vocabulary `constructedTeardowns`
 * of the file's language, besides the models' releases): a class whose teardown is named otherwise is not judged.
 */
const readTeardowns = (file: FileFacts): readonly string[] => vocabularyOf(file.language).constructedTeardowns ?? [];

interface ResourceType {
  owner: Owner;
  path: string;
  /** What its constructor opens and keeps. */
  inner: Acquisition;
  /** The teardown's release of that field. */
  release: Release;
  model: ResourceModel;
}

/** Resource types by `file::Class`. A class declared twice in one file, or whose resources disagree in kind, is none. */
function typesOf(files: readonly FileFacts[], models: ModelSet): Map<string, ResourceType | null> {
  const types = new Map<string, ResourceType | null>();
  for (const file of files) {
    if (file.isTestFile || file.owners.length === 0) continue;
    for (const a of file.acquisitions) {
      const fate = a.handle;
      if (!a.fn.isConstructor || a.fn.isTest || a.inLoop || !TYPE_KINDS.has(a.kind) || fate.kind !== 'field' || fate.collection || fate.ownerType !== a.fn.ownerType) continue;
      const inner = models.get(a.modelId);
      if (!inner || inner.role !== 'acquire' || inner.dropReleases) continue;
      const owner = file.owners.find((o) => o.name === fate.ownerType);
      if (!owner) continue;
      const named = readTeardowns(file);
      const teardowns = new Set(owner.methods.filter((m) => m.teardown && named.includes(m.name)).map((m) => m.name));
      // Released in a teardown a caller can call by a name its release is read with.
      const releases = file.releases.filter((r) => r.fn.ownerType === owner.name && r.target.kind === 'field' && r.target.field === fate.field && !r.target.path);
      const release = releases.find((r) => teardowns.has(r.fn.name) && !r.skippedWhen);
      if (!release) continue;
      const key = `${importName(file.path)}::${owner.name}`;
      const known = types.get(key);
      if (known === undefined) types.set(key, { owner, path: file.path, inner: a, release, model: typeModel(owner, file.path, a, release, inner) });
      else if (known && known.inner.kind !== a.kind) types.set(key, null);
    }
  }
  return types;
}

/** The class as a model of its own: the inner resource's kind and cost, the class's teardown as its release. */
function typeModel(owner: Owner, path: string, inner: Acquisition, release: Release, model: ResourceModel): ResourceModel {
  const { closedWithMaker: _m, pooled: _p, completion: _c, activatedBy: _a, ...rest } = model;
  return {
    ...rest,
    id: `project-type:${importName(path)}::${owner.name}`,
    description: `A \`${owner.name}\` (${path}): its constructor opens ${inner.api} and keeps it until \`${release.fn.name}()\`.`,
    acquire: { calls: [], methods: [], constructors: [owner.name], requiresImport: [] },
    handle: owner.name,
    releases: [release.fn.name],
    resultReleases: [],
    dropReleases: false,
    remediation: `Keep the \`${owner.name}\` and call its \`${release.fn.name}()\` when done (in a \`finally\`), or make one and share it.`,
  };
}

/** One acquisition per unreleased `new` of a resource type, at the `new`, with the type's model. */
export function constructionAcquisitions(files: readonly FileFacts[], models: ModelSet): { refs: AcquisitionRef[]; models: ResourceModel[] } {
  if (!files.some((f) => f.constructions?.length)) return { refs: [], models: [] };
  const types = typesOf(files, models);
  if (types.size === 0) return { refs: [], models: [] };
  const refs: AcquisitionRef[] = [];
  const used = new Map<string, ResourceModel>();
  for (const file of files) {
    for (const call of file.constructions ?? []) {
      const type = byImport(types, call.calleeFile, call.callee) ?? undefined;
      // The class's own methods making another of it (a factory, a reconnect) are the class's business.
      if (!type || call.fn.ownerType === type.owner.name) continue;
      used.set(type.model.id, type.model);
      const a = acquisitionAtCall(
        call,
        type.model.id,
        type.inner.kind,
        `new ${call.callee}()`,
        `\`${type.owner.name}\`'s constructor (${type.path}:${type.inner.site.startLine}) opens \`${type.inner.api}\` and keeps it in \`this.${(type.inner.handle as { field: string }).field}\`; only \`${type.release.fn.name}()\` (${type.path}:${type.release.site.startLine}) releases it: each \`new ${call.callee}()\` opens one more`,
      );
      refs.push({ file, acquisition: a });
    }
  }
  return { refs, models: [...used.values()] };
}
