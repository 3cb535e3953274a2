// The Rust call graph's reading of names: scoped paths, the type a receiver
// expression constructs, std method names, and the free functions a file declares.
import type { SyntaxNode } from '../../parse/syntax.js';
import { isWordChar } from './functions.js';
import type { NodeIndex } from './node-index.js';

/** `a::b::c`: words joined by `::`, nothing else (no spaces, generics or comments). */
const PLAIN_SCOPED = /^\w+(?:::\w+)+$/;

/**
 * The `path` and `name` texts of a scoped identifier. For a plain one they are
 * the text before and after the last `::` (the grammar nests paths to the
 * left), so the tree is only asked about the others.
 */
export function scopedParts(node: SyntaxNode, text: string): { path(): string | undefined; name(): string | undefined } {
  if (PLAIN_SCOPED.test(text)) {
    const cut = text.lastIndexOf('::');
    return { path: () => text.slice(0, cut), name: () => text.slice(cut + 2) };
  }
  return { path: () => node.childForFieldName('path')?.text, name: () => node.childForFieldName('name')?.text };
}

/** Types that hand method calls on to what they hold (Deref), or hold anything: they name no receiver type. */
export const WRAPPER_TYPES = /^(Arc|Rc|Box|Weak|Mutex|RwLock|RefCell|Cell|Pin|Cow|Option|Result|Some|Ok|Err|Vec|VecDeque|HashMap|HashSet|BTreeMap|BTreeSet|String|ManuallyDrop|MaybeUninit)$/;

/** Does `name` occur in `text` other than as a call (`name(`), a path segment (`a::name`) or a field (`.name`)? */
export function mayBind(text: string, name: string): boolean {
  for (let at = text.indexOf(name); at !== -1; at = text.indexOf(name, at + 1)) {
    const before = text.charCodeAt(at - 1);
    const after = at + name.length;
    if (isWordChar(before) || isWordChar(text.charCodeAt(after))) continue;
    if (before === 46 /* . */ || (before === 58 /* : */ && text.charCodeAt(at - 2) === 58)) continue;
    let next = after;
    while (text.charCodeAt(next) === 32) next++;
    if (text.charCodeAt(next) === 40 /* ( */ || (text.charCodeAt(next) === 58 && text.charCodeAt(next + 1) === 58)) continue;
    return true;
  }
  return false;
}

/** Nodes whose identifier children bind a name. */
export const PATTERN_PARENTS: ReadonlySet<string> = new Set([
  'let_declaration', 'parameter', 'closure_parameters', 'tuple_pattern', 'tuple_struct_pattern', 'slice_pattern', 'field_pattern',
  'or_pattern', 'ref_pattern', 'mut_pattern', 'reference_pattern', 'captured_pattern', 'match_pattern', 'let_condition', 'for_expression',
]);

/** Names of the free functions the file declares: outside any impl or trait. */
export function freeFunctionNames(index: NodeIndex): Set<string> {
  const names = new Set<string>();
  // The index is in pre-order: a container holds the nodes that start before it ends.
  const containers: number[] = [];
  for (let i = 0; i < index.nodes.length; i++) {
    const type = index.types[i]!;
    if (type !== 'impl_item' && type !== 'trait_item' && type !== 'function_item') continue;
    const node = index.nodes[i]!;
    while (containers.length > 0 && containers[containers.length - 1]! <= node.startIndex) containers.pop();
    if (type === 'function_item') {
      if (containers.length === 0) {
        const name = node.childForFieldName('name')?.text;
        if (name) names.add(name);
      }
    } else containers.push(node.endIndex);
  }
  return names;
}

/** `crate::jobs::run` -> `jobs`: the module an imported function comes from, when the path names one. */
export function moduleOfPath(path: string): string | undefined {
  const parts = path.split('::');
  const module = parts[parts.length - 2];
  return module && /^[a-z_]\w*$/.test(module) && !/^(self|super|crate)$/.test(module) ? module : undefined;
}

/** Methods of std types and iterators: a call of one on a receiver of unknown type is no call of ours. */
export const STD_METHOD_NAMES = /^(clone|unwrap|expect|map_err|into|to_string|as_ref|await|iter|collect|push|insert|get|len|is_empty|ok|lock|send|recv)$/;
/** Methods on a Result or Option that hand back the value they hold. */
export const RESULT_PASS_THROUGH = /^(unwrap|expect|context|with_context|map_err|unwrap_or_else|unwrap_or_default|ok_or|ok_or_else)$/;

/** `Server::new(..)?`, `Config::default().await`, `Server { .. }`: the type that expression makes, when it says. */
export function constructedType(expr: SyntaxNode): string | undefined {
  let e: SyntaxNode | null = expr;
  for (;;) {
    if (!e) return undefined;
    if (e.type === 'try_expression' || e.type === 'await_expression' || e.type === 'parenthesized_expression') e = e.namedChildren[0] ?? null;
    else if (e.type === 'call_expression' && e.childForFieldName('function')?.type === 'field_expression' && RESULT_PASS_THROUGH.test(e.childForFieldName('function')!.childForFieldName('field')?.text ?? '')) {
      // `Server::new(..).context("..")?`: error handling around the value, not another value.
      e = e.childForFieldName('function')!.childForFieldName('value');
    } else break;
  }
  if (e.type === 'struct_expression') return plainType(e.childForFieldName('name')?.text ?? '');
  if (e.type !== 'call_expression') return undefined;
  const fn = e.childForFieldName('function');
  if (fn?.type !== 'scoped_identifier' || !/^(new|default)$/.test(fn.childForFieldName('name')?.text ?? '')) return undefined;
  return plainType(fn.childForFieldName('path')?.text ?? '');
}

/** `dist::http::Server` -> `Server`; `&mut Server` -> `Server`; generic or wrapper types -> undefined. */
export function plainType(text: string): string | undefined {
  const stripped = text.replace(/^&\s*(?:'\w+\s+)?(?:mut\s+)?/, '').trim().replace(/::<[^<>]*>/g, '');
  if (/[<>&()[\]\s]/.test(stripped)) return undefined;
  const last = stripped.slice(stripped.lastIndexOf(':') + 1);
  return /^[A-Z]\w*$/.test(last) && !WRAPPER_TYPES.test(last) ? last : undefined;
}

/** `crc::Crc::<u32>` -> `crc::Crc`: the turbofish names no type or module of its own. */
export function withoutGenerics(path: string): string {
  if (!path.includes('<')) return path;
  let out = path;
  for (let before = ''; before !== out; ) {
    before = out;
    out = out.replace(/<[^<>]*>/g, '');
  }
  return out.replace(/::$/, '').replace(/::::/g, '::');
}
