// A resource named by an argument of the call that starts it, not by what the call returns:
// `fs.watchFile(path, ..)` is stopped by `fs.unwatchFile(path)` (a model's `handleArgument`, with
// qualified release functions). Its fate is read from where that argument is released.
import type { SyntaxNode } from '../../parse/syntax.js';
import type { HandleFate, Release } from '../../facts/types.js';
import type { ResourceModel } from '../../models/schema.js';
import { kids, line, shortText } from '../shared/tree.js';
import { memberPath, unwrap } from './qualify.js';
import { thisPath, type FileScope } from './scope.js';
import type { Declarations } from './declarations.js';

export interface ArgumentHandleEnv {
  scope: FileScope;
  ownerType?: string;
  modulePath: string;
  fn: SyntaxNode | null;
  declarations: Declarations;
  /** The file's releases, read before its acquisitions. */
  releases: readonly Release[];
}

export function argumentHandleFate(call: SyntaxNode, model: ResourceModel, env: ArgumentHandleEnv): HandleFate {
  const args = call.childForFieldName('arguments');
  const arg = args ? kids(args)[model.handleArgument!] : undefined;
  const releases = env.releases.filter((r) => model.releases.includes(r.api));
  const apis = model.releases.map((r) => `\`${r}\``).join('/');
  if (!arg) return { kind: 'discarded', how: `not named: the call has no argument ${model.handleArgument}` };
  const node = unwrap(arg);
  const written = thisPath(memberPath(node), env.scope);
  // `fs.watchFile(this.path, ..)`: whatever stops it goes through the field, in the owner's teardown.
  if (written && written[0] === 'this' && written.length === 2 && env.ownerType) return { kind: 'field', ownerType: env.ownerType, field: written[1]!.replace(/^#/, ''), line: line(call) };
  if (written && written.length === 1 && env.scope.moduleVars.has(written[0]!) && !env.declarations.has(env.fn, written[0]!)) {
    return { kind: 'field', ownerType: env.modulePath, field: written[0]!, line: line(call) };
  }
  const text = shortText(node, 60);
  // `fs.unwatchFile(path, check)` in this function (or a callback of it): stopped where it is started.
  const from = env.fn ? env.fn.startPosition.row + 1 : 1;
  const to = env.fn ? env.fn.endPosition.row + 1 : Number.MAX_SAFE_INTEGER;
  const here = releases.find((r) => r.site.startLine >= from && r.site.startLine <= to && targetText(r) === text);
  if (here) return { kind: 'released-locally', local: text, api: here.api, line: here.site.startLine };
  // Stopped elsewhere in the file, by a path that may be this one (`for (const p of watched) fs.unwatchFile(p)`).
  const elsewhere = releases[0];
  if (elsewhere) return { kind: 'passed', to: `\`${elsewhere.api}()\` at line ${elsewhere.site.startLine}, which may stop it` };
  return { kind: 'discarded', how: `\`${text}\`, and nothing in this file calls ${apis} on it` };
}

function targetText(r: Release): string | undefined {
  return r.target.kind === 'local' ? r.target.name : r.target.kind === 'other' ? r.target.text : undefined;
}
