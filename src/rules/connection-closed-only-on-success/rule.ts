// connection-closed-only-on-success: a connection opened per operation and
// closed at the end of the happy path only: a call in between that throws skips
// the close, and every failing call leaks one connection.
import { symbolOf } from '../../analysis/project.js';
import type { Rule } from '../types.js';
import { isTestCode, acquisitionSite, locationOf } from '../shared/describe.js';

export const connectionClosedOnlyOnSuccess: Rule = {
  meta: {
    id: 'connection-closed-only-on-success',
    summary: 'A connection opened per operation is closed only on the success path: a call between open and close can throw, and nothing (finally, `using`) guarantees the close.',
    kinds: ['connection', 'pool'],
    defaultPriority: 'P1',
    precision: 'high',
    tags: ['leak', 'database', 'connection', 'error-path'],
    messages: {
      successOnly: '`{api}` in `{symbol}()` is closed only on the success path: if `{call}` throws, the {handle} leaks',
    },
  },
  check(ctx) {
    for (const ref of ctx.project.acquisitions) {
      const a = ref.acquisition;
      // A pool ended only on success (`const pool = new Pool(); await pool.query(..); await pool.end()`) leaks all its connections.
      if ((a.kind !== 'connection' && a.kind !== 'pool') || isTestCode(ref)) continue;
      const model = ctx.project.models.get(a.modelId);
      if (!model || model.role !== 'acquire') continue;
      const fate = a.handle;
      if (fate.kind !== 'released-locally' || !fate.onlyOnSuccess) continue;
      const symbol = symbolOf(a);
      const risk = fate.onlyOnSuccess;
      if (a.fn.constructOnce && !a.inLoop) {
        ctx.note({ counter: 'opened once', path: ref.file.path, line: a.site.startLine, detail: `${a.api} in ${symbol}: at most one leak if \`${risk.call}\` throws` });
        continue;
      }
      const handleType = model.handle ?? 'connection';
      const onHandle = risk.call.startsWith(`${fate.local}.`);
      // A handle the runtime closes when it frees it (a CPython socket or sqlite3
      // connection): the skipped close leaves it open until then, not for good.
      const reclaimed = model.dropReleases ? model.dropReleasesLater : undefined;
      ctx.report({
        ruleId: 'connection-closed-only-on-success',
        messageId: 'successOnly',
        ...acquisitionSite(ref),
        priority: reclaimed ? 'P2' : 'P1',
        confidence: onHandle ? 'high' : 'medium',
        message: `\`${a.api}\` in \`${symbol}()\` is closed only on the success path: if \`${risk.call}\` throws, the ${handleType} leaks`,
        evidence: [
          `opened in \`${symbol}()\`, which runs per operation${a.inLoop ? ' (inside a loop: once per iteration)' : ''}`,
          `it is released with \`${fate.local}.${fate.api}()\` (line ${fate.line}), but only when everything before it succeeds: the release is not in a \`finally\` block and the handle is not scoped with \`using\``,
          `\`${risk.call}\` (line ${risk.line}) can throw between the open and the release; then the release is skipped and the ${handleType} stays open${reclaimed ? ` until the runtime frees it: ${reclaimed}` : ''}`,
        ],
        growth: reclaimed
          ? `+1 open ${handleType} per failing call of \`${symbol}()\` until the runtime frees it`
          : `+1 leaked ${handleType} per failing call of \`${symbol}()\` (a timeout, a bad query, a dropped socket), never reclaimed`,
        impact: model.cost?.summary ?? 'one connection (a socket or file descriptor) per failure',
        remediation: `Release it on every path: wrap the work in \`try { … } finally { ${fate.local}.${fate.api}(); }\`, or scope the handle (\`await using\`) where the client supports it.`,
        related: [{ path: ref.file.path, line: risk.line, message: `\`${risk.call}\` can throw here and skip the release` }],
      });
    }
  },
};
