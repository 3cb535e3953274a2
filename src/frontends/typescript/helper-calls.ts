// Calls of another file's function, with the fate of their result: `const cxn = db.connect()` after
// `const db = require('../database/redis')`, `makeClient()` imported from `./clients`. Whether that
// function hands back a resource it opens on every call is seen only in its own file, so the join
// is the analysis's (analysis/helper-calls.ts); this records the call side.
import type { SyntaxNode } from '../../parse/syntax.js';
import { DEFAULT_EXPORT, type HelperCall } from '../../facts/types.js';
import type { ResourceModel } from '../../models/schema.js';
import { siteOf, snippetOf } from '../shared/tree.js';
import { reusingLoopLine } from '../shared/reuse-loops.js';
import { FUNCTION_TYPES, type Enclosing } from './functions.js';
import { fateOf, type FateContext } from './handles.js';
import type { CallSite } from './call-site.js';
import type { FileScope } from './scope.js';
import { importedFile } from './call-facts.js';

const LOOPS: ReadonlySet<string> = new Set(['for_statement', 'for_in_statement', 'while_statement', 'do_statement']);

/** The project function a call names through an import: its exported name and the file the import names. */
export function importedCallee(site: CallSite, fn: SyntaxNode | null, path: string, scope: FileScope, boundLocally: (name: string, fn: SyntaxNode | null) => boolean): { callee: string; calleeFile: string } | undefined {
  if (site.type !== 'call_expression') return undefined;
  const calleePath = site.path;
  if (!calleePath || calleePath.length > 2) return undefined;
  const binding = scope.imports.get(calleePath[0]!);
  if (!binding || !(binding.module.startsWith('.') || binding.module.startsWith('/')) || boundLocally(calleePath[0]!, fn)) return undefined;
  const calleeFile = importedFile(path, binding.module);
  // `db.connect()` through the module object; `connect()` imported by name; `make()`, the default export.
  if (calleePath.length === 2) return binding.name === '*' ? { callee: calleePath[1]!.replace(/^#/, ''), calleeFile } : undefined;
  return { callee: binding.name === '*' || binding.name === 'default' ? DEFAULT_EXPORT : binding.name, calleeFile };
}

/**
 * The model a call's result is read with: any release name of the language's models releases it
 * (the function's own model is known only once the project is joined). More releases than the
 * model has can only make a fate look released or waited for, never the reverse.
 */
export function helperResultModel(models: readonly ResourceModel[], releaseNames: ReadonlySet<string>): ResourceModel | undefined {
  const base = models.find((m) => m.role === 'acquire' && m.kind === 'connection');
  if (!base) return undefined;
  const { closedWithMaker: _m, pooled: _p, ...rest } = base;
  // Likewise any model's completion: a child whose `exit` the caller waits for, or a result handed to a callback.
  const events = [...new Set(models.flatMap((m) => m.completion?.events ?? []))];
  return { ...rest, id: 'project-helper-result', releases: [...releaseNames], resultReleases: [], completion: { events, callback: true } };
}

/** The call with what its caller does with the result. */
export function helperCallOf(call: SyntaxNode, target: { callee: string; calleeFile: string }, enclosing: Enclosing, fateCtx: FateContext, lines: readonly string[]): HelperCall {
  const { fate } = fateOf(call, fateCtx);
  const { context: _context, ...fn } = enclosing;
  const h: HelperCall = { ...target, site: siteOf(call), snippet: snippetOf(call, lines), fn, handle: fate };
  if (enclosing.context.inLoop) h.inLoop = true;
  if (fate.kind === 'local' || fate.kind === 'released-locally') {
    const reuse = reusingLoopLine(call, fate.local, LOOPS, FUNCTION_TYPES);
    if (reuse) h.reusedByLoop = reuse;
  }
  return h;
}
