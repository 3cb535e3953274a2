// A field released through a helper: `const child = this.server; this.server =
// undefined; this.checkDied(child)`, where `checkDied(p)` calls `terminate(p)`
// or `p.kill()`. The release is real, one call away from the field.
import type { SyntaxNode } from '../../parse/syntax.js';
import { kids } from '../shared/tree.js';
import type { CallSite } from './call-site.js';
import { bodyOf, positionalParameters } from './functions.js';
import { unwrap } from './qualify.js';

/** Free functions whose name says they end what they are handed: `terminate(child)`, `treeKill(pid)`, `killProcess(p)`. */
const RELEASING_HELPER = /^(terminate|kill|treeKill|killTree|killProcess|terminateProcess|destroy|dispose|shutdown|stop)[A-Z]?\w*$/;
/** Methods that end the object they are called on. */
const ENDING_METHOD = /^(kill|terminate|destroy|close|disconnect|end|dispose|shutdown|stop|abort|quit)$/;

/** The release api a helper's name stands for: `terminate`/`treeKill` kill, `destroyAll` destroys. */
function apiOfHelper(name: string): string {
  const verb = /^(terminate|kill|treeKill|killTree|killProcess|terminateProcess)/.test(name) ? 'kill' : (/^(destroy|dispose|shutdown|stop)/.exec(name)?.[1] ?? 'kill');
  return verb;
}

/** The field of `this` an argument stands for: `this.f`, or a local set from it in `fn` (`const x = this.f`). */
function fieldOfArgument(arg: SyntaxNode, fn: SyntaxNode | null): string | undefined {
  const a = unwrap(arg);
  const direct = /^this\.(#?[\w$]+)$/.exec(a.text.replace(/\s+/g, ''));
  if (direct) return direct[1]!.replace(/^#/, '');
  if (a.type !== 'identifier' || !fn) return undefined;
  const body = bodyOf(fn);
  if (!body) return undefined;
  for (const declarator of body.descendantsOfType('variable_declarator')) {
    if (!declarator || declarator.childForFieldName('name')?.text !== a.text) continue;
    const value = declarator.childForFieldName('value');
    const m = value ? /^this\.(#?[\w$]+)$/.exec(unwrap(value).text.replace(/\s+/g, '')) : null;
    if (m) return m[1]!.replace(/^#/, '');
  }
  return undefined;
}

/** The way `fn` ends its parameter `param`: `param.kill()`, `terminate(param)`; undefined when it does not. */
function releaseOfParameter(fn: SyntaxNode, param: string): string | undefined {
  const body = bodyOf(fn);
  if (!body) return undefined;
  for (const call of body.descendantsOfType('call_expression')) {
    const callee = call?.childForFieldName('function');
    if (!call || !callee) continue;
    if (callee.type === 'member_expression') {
      const method = callee.childForFieldName('property')?.text ?? '';
      const object = callee.childForFieldName('object');
      if (ENDING_METHOD.test(method) && object && unwrap(object).text === param) return method;
    } else if (callee.type === 'identifier' && RELEASING_HELPER.test(callee.text)) {
      const args = call.childForFieldName('arguments');
      const first = args ? kids(args)[0] : undefined;
      if (first && unwrap(first).text === param) return apiOfHelper(callee.text);
    }
  }
  return undefined;
}

/** The method `name` of the class `cls`. */
function methodOf(cls: SyntaxNode, name: string): SyntaxNode | undefined {
  const body = cls.childForFieldName('body');
  for (const member of body ? kids(body) : []) {
    if (member.type === 'method_definition' && member.childForFieldName('name')?.text === name) return member;
  }
  return undefined;
}

/**
 * A call that hands a field of `this` to a helper that ends it: a releasing free function
 * (`terminate(this.child)`) or a method of the same class whose body ends that parameter
 * (`this.checkDied(child)` with `checkDied(p) { .. terminate(p) }`). The field and the api.
 */
export function fieldReleasedByHelper(site: CallSite, fn: SyntaxNode | null, cls: SyntaxNode | null): { field: string; api: string } | undefined {
  if (!cls) return undefined;
  const args = site.node.childForFieldName('arguments');
  const list = args ? kids(args) : [];
  if (list.length === 0) return undefined;
  if (site.calleeType === 'identifier') {
    const name = site.identifier!;
    if (!RELEASING_HELPER.test(name)) return undefined;
    const field = fieldOfArgument(list[0]!, fn);
    return field ? { field, api: apiOfHelper(name) } : undefined;
  }
  const path = site.path;
  if (site.calleeType !== 'member_expression' || path?.length !== 2 || path[0] !== 'this') return undefined;
  const method = methodOf(cls, path[1]!);
  if (!method) return undefined;
  const params = positionalParameters(method);
  for (let i = 0; i < list.length && i < params.length; i++) {
    const param = params[i];
    if (!param) continue;
    const field = fieldOfArgument(list[i]!, fn);
    const api = field ? releaseOfParameter(method, param) : undefined;
    if (field && api) return { field, api };
  }
  return undefined;
}
