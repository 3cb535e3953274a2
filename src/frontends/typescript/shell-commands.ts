// A child that runs a command line through a shell: `exec(cmd)`, `spawn('sh', ['-c', cmd])`,
// `spawn(cmd, { shell: true })`. Such a child is a command run to completion (a hook, a
// notification, `open <url>`), not a service; Node reaps it when it exits, even with its handle dropped.
import type { SyntaxNode } from '../../parse/syntax.js';
import { kids } from '../shared/tree.js';
import { qualifiedNames, unwrap } from './qualify.js';
import type { FileScope } from './scope.js';
import type { NodeIndex } from './node-index.js';

const SHELLS = /^(\/(usr\/)?bin\/)?(sh|bash|zsh|dash|cmd|cmd\.exe|powershell|pwsh)$/i;
/** The flag that makes a shell run its next argument as a command line: `-c`, `/c`, cmd's `/d /s /c`. */
const COMMAND_FLAG = /(^|\s)[-/]c$/i;

/** How the call runs a shell, as written; undefined when it does not. */
export function shellCommand(call: SyntaxNode, fn: SyntaxNode | null, root: SyntaxNode, scope: FileScope, index: NodeIndex): string | undefined {
  const callee = call.childForFieldName('function');
  if (!callee) return undefined;
  const names = qualifiedNames(callee, scope);
  if (names.includes('child_process.exec')) return '`exec(..)` runs its command line through a shell';
  if (!names.includes('child_process.spawn') && !names.includes('child_process.execFile')) return undefined;
  const args = kids(call.childForFieldName('arguments') ?? call).map((a) => unwrap(a));
  const options = args.find((a) => a.type === 'object');
  const shellOption = options ? kids(options).find((p) => p.type === 'pair' && p.childForFieldName('key')?.text.replace(/['"]/g, '') === 'shell') : undefined;
  const shellValue = shellOption?.childForFieldName('value');
  if (shellValue && shellValue.text !== 'false') return '`{ shell: .. }` runs its command through a shell';
  const program = args[0] ? stringOf(args[0], fn, root, index) : undefined;
  const list = args[1]?.type === 'array' ? kids(args[1]) : [];
  const flag = list.find((e) => COMMAND_FLAG.test(stringOf(unwrap(e), fn, root, index) ?? ''));
  if (program && SHELLS.test(program) && flag) return `it runs \`${program}\` with \`${stringOf(unwrap(flag), fn, root, index)}\`: a command line through a shell`;
  return undefined;
}

/** A string literal, or a variable whose declaration (in `fn`, else at module level) gives it one. */
function stringOf(node: SyntaxNode, fn: SyntaxNode | null, root: SyntaxNode, index: NodeIndex): string | undefined {
  if (node.type === 'string') return node.text.slice(1, -1);
  if (node.type !== 'identifier') return undefined;
  let found: string | undefined;
  for (const where of fn ? [fn, root] : [root]) {
    index.walk(where, ['variable_declarator'], (n) => {
      if (n.childForFieldName('name')?.text !== node.text) return true;
      const value = n.childForFieldName('value');
      if (value?.type === 'string') found = value.text.slice(1, -1);
      return 'stop';
    });
    if (found !== undefined) return found;
  }
  return undefined;
}
