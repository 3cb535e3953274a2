// A child started as a daemon on purpose: `spawn(cmd, args, { detached: true })`
// followed by `child.unref()`. It is meant to outlive its parent (which often
// exits right after), so no one is supposed to stop it: it is handed over to
// the system, not dropped.
import type { SyntaxNode } from '../../parse/syntax.js';
import { kids } from '../shared/tree.js';
import { unwrap } from './qualify.js';

/** An options object among the call's arguments with `detached: true`. */
export function spawnedDetached(call: SyntaxNode): boolean {
  const args = call.childForFieldName('arguments');
  for (const arg of args ? kids(args) : []) {
    const a = unwrap(arg);
    if (a.type !== 'object') continue;
    for (const pair of kids(a)) {
      if (pair.type === 'pair' && pair.childForFieldName('key')?.text.replace(/['"]/g, '') === 'detached' && pair.childForFieldName('value')?.text === 'true') return true;
    }
  }
  return false;
}
