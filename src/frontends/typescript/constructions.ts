// `new Session(..)` of a class of this project, with what the caller does with the object. Whether
// that class is itself a resource (its constructor opens something it keeps and a teardown of its
// own releases it) is seen only in the class's file, so the join is the analysis's
// (analysis/resource-types.ts); this records the construction side, and only constructions whose
// object is dropped or left unreleased in a local: one kept, returned or handed on stays its keeper's.
import type { HelperCall } from '../../facts/types.js';
import type { ResourceModel } from '../../models/schema.js';
import { vocabularyOf } from '../../models/index.js';
import type { SyntaxNode } from '../../parse/syntax.js';
import type { CallSite } from './call-site.js';
import type { FileScope } from './scope.js';
import { importedFile, withoutExtension } from './call-facts.js';

/**
 * Names a teardown of a project class may have that a caller's release is read with, besides the
 * models' releases (vocabulary `constructedTeardowns`): a class whose teardown is named otherwise is
 * not judged (its release would go unseen).
 */
const CONSTRUCTED_TEARDOWNS: readonly string[] = vocabularyOf('typescript').constructedTeardowns ?? [];

/** The class a `new` names and the file that declares it: a relative import, or this file. */
export function constructedClass(
  site: CallSite,
  fn: SyntaxNode | null,
  path: string,
  scope: FileScope,
  boundLocally: (name: string, fn: SyntaxNode | null) => boolean,
): { callee: string; calleeFile: string } | undefined {
  if (site.type !== 'new_expression' || site.path?.length !== 1) return undefined;
  const name = site.path[0]!;
  if (!/^[A-Z]/.test(name)) return undefined;
  const binding = scope.imports.get(name);
  if (binding) {
    if (!binding.module.startsWith('.') || boundLocally(name, fn)) return undefined;
    const calleeFile = importedFile(path, binding.module);
    // `import { Session } from './session'`; a default or whole-module import names the class by its local name.
    return { callee: binding.name === '*' || binding.name === 'default' ? name : binding.name, calleeFile };
  }
  if (!scope.declared.has(name) || boundLocally(name, fn)) return undefined;
  return { callee: name, calleeFile: withoutExtension(path) };
}

/** What a constructed object's fate is read with: the models' releases and the teardown names above. */
export function constructionModel(helperModel: ResourceModel): ResourceModel {
  return { ...helperModel, id: 'project-constructed-object', releases: [...new Set([...helperModel.releases, ...CONSTRUCTED_TEARDOWNS])] };
}

/** Worth recording: the object is dropped, or kept in a local that nothing releases. */
export function unreleasedConstruction(call: HelperCall): boolean {
  return call.handle.kind === 'discarded' || (call.handle.kind === 'local' && !call.handle.releasedOn);
}
