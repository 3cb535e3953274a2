// A handle field assigned over, unseen, while it may still hold a running resource:
// `self.heartbeat = spawn(..)` in `reconnect()` detaches the heartbeat the last connect stored.
import type { Project, AcquisitionRef } from '../../analysis/project.js';

/**
 * Why the field can still hold a live handle when this acquisition is stored over it, or
 * undefined when nothing shows it can: another function also stores one there (the
 * connect that reconnect repeats), or the field's type is no `Option` (it always holds one).
 * Only a field fate marked `overwrites` (the function never reads the field before) outside
 * a constructor qualifies.
 */
export function overwrittenHandle(project: Project, ref: AcquisitionRef): string | undefined {
  const a = ref.acquisition;
  const fate = a.handle;
  if (fate.kind !== 'field' || !fate.overwrites || a.fn.constructOnce || a.fn.isTest) return undefined;
  // `self.shutdown().await; self.task = spawn(..)`: a method called first that releases the field.
  const before = new Set(fate.overwrites.selfCallsBefore);
  if ((project.fieldReleases.get(`${fate.ownerType}.${fate.field}`) ?? []).some((r) => before.has(r.fn.name))) return undefined;
  const other = project.acquisitions.find(
    (o) =>
      o.acquisition !== a &&
      o.acquisition.handle.kind === 'field' &&
      o.acquisition.handle.ownerType === fate.ownerType &&
      o.acquisition.handle.field === fate.field &&
      o.acquisition.fn.name !== a.fn.name &&
      !o.acquisition.fn.isTest,
  );
  const where = `\`${fate.ownerType}.${fate.field}\``;
  if (other) {
    return `\`${a.fn.name}()\` stores it in ${where} (line ${fate.line}) without first stopping, or even reading, the one \`${other.acquisition.fn.name}()\` put there (${other.file.path}:${other.acquisition.site.startLine}): that one is detached and keeps running`;
  }
  const type = project.owners.get(fate.ownerType)?.fields.find((f) => f.name === fate.field)?.type;
  if (type && !/^(Option|std::option::Option)\s*</.test(type) && !/^(Vec|HashMap|BTreeMap|VecDeque)\s*</.test(type)) {
    return `\`${a.fn.name}()\` stores it in ${where} (line ${fate.line}), of type \`${type}\`, which always holds a handle, without first stopping the one there: that one is detached and keeps running`;
  }
  return undefined;
}
