// storage-dual-stack: two or more database client stacks in production code,
// each with its own connections (the audit's "dual storage"). Reported once.
import type { Rule } from '../types.js';
import type { AcquisitionRef } from '../../analysis/project.js';
import { isTestCode, locationOf } from '../shared/describe.js';
import { symbolOf } from '../../analysis/project.js';

export const storageDualStack: Rule = {
  meta: {
    id: 'storage-dual-stack',
    summary: 'Two or more database client libraries open their own connections in production code: no shared pool, twice the descriptors.',
    kinds: ['storage'],
    defaultPriority: 'P2',
    precision: 'high',
    tags: ['database', 'connection', 'architecture'],
    messages: { dual: '{count} database client stacks open their own connections: {libraries}' },
  },
  check(ctx) {
    const byLibrary = new Map<string, AcquisitionRef[]>();
    for (const ref of ctx.project.acquisitions) {
      const a = ref.acquisition;
      if ((a.kind !== 'connection' && a.kind !== 'pool') || isTestCode(ref)) continue;
      const model = ctx.project.models.get(a.modelId);
      if (!model || model.role !== 'acquire' || model.storage === false) continue;
      const list = byLibrary.get(model.library) ?? [];
      list.push(ref);
      byLibrary.set(model.library, list);
    }
    if (byLibrary.size < 2) return;
    const stacks = [...byLibrary.entries()].sort((x, y) => y[1].length - x[1].length || (x[0] < y[0] ? -1 : 1));
    const libraries = stacks.map(([lib, refs]) => `${lib} (${refs.length} site${refs.length === 1 ? '' : 's'} in ${new Set(refs.map((r) => r.file.path)).size} file${new Set(refs.map((r) => r.file.path)).size === 1 ? '' : 's'})`);
    const anchor = stacks[stacks.length - 1]![1][0]!;
    const evidence = stacks.map(([lib, refs]) => {
      const files = [...new Set(refs.map((r) => r.file.path))];
      return `${lib}: ${refs.length} open site${refs.length === 1 ? '' : 's'} in ${files.slice(0, 4).join(', ')}${files.length > 4 ? `, +${files.length - 4} more` : ''}`;
    });
    evidence.push('each stack keeps its own connections and descriptors; nothing is shared or pooled between them');
    ctx.report({
      ruleId: 'storage-dual-stack',
      messageId: 'dual',
      kind: 'storage',
      language: anchor.file.language,
      priority: 'P2',
      confidence: 'high',
      location: locationOf(anchor),
      symbol: symbolOf(anchor.acquisition),
      api: stacks.map(([lib]) => lib).join(' + '),
      snippet: anchor.acquisition.snippet,
      message: `${stacks.length} database client stacks open their own connections: ${libraries.join(', ')}`,
      evidence,
      growth: 'descriptors and caches add up per stack: each open of either stack is a separate connection',
      impact: 'two sets of connections, descriptors and page caches for one database (or two), and two code paths to keep consistent',
      remediation: 'Settle on one client library (or one shared pool) for production storage, and keep the other for tests or migrations only.',
      related: stacks.slice(0, -1).map(([lib, refs]) => ({ path: refs[0]!.file.path, line: refs[0]!.acquisition.site.startLine, message: `${lib} opens here` })),
    });
  },
};
