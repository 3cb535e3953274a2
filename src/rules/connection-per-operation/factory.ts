// A method that builds a new client and hands it back (`fn http_client(&self) -> Client`):
// each call builds one more, with its own connection pool. Reported at the method when a
// caller that runs per operation calls it and hands the client on (to a transport, a
// wrapper), where the call site itself shows no open to report.
import { perOperationCaller, symbolOf, type AcquisitionRef } from '../../analysis/project.js';
import { growthOf, locationOf } from '../shared/describe.js';
import type { RuleContext } from '../types.js';

/** Reports the factory at P2 and returns true, or returns false when it does not apply. */
export function reportFactory(ctx: RuleContext, ref: AcquisitionRef): boolean {
  const { acquisition: a, file } = ref;
  const model = ctx.project.models.get(a.modelId);
  if (!model || !a.fn.ownerType || a.fn.constructOnce || a.fn.isEntryPoint || a.inLoop) return false;
  // Pools are checked out per operation by design; only a client or connection built anew is churn.
  if (model.pooled || model.perOperationOk) return false;
  const caller = perOperationCaller(ctx.project, a.fn, file.path, true);
  if (!caller) return false;
  const symbol = symbolOf(a);
  // A call site of this file that keeps the client locally is reported there (a derived acquisition).
  const marker = `\`${a.fn.name}()\` (line ${a.site.startLine})`;
  const reportedAtCall = ctx.project.acquisitions.some(
    (r) => r.file === file && r !== ref && (r.acquisition.notes ?? []).some((n) => n.startsWith(marker)) && !['passed', 'returned', 'field', 'scoped'].includes(r.acquisition.handle.kind),
  );
  if (reportedAtCall) return false;
  const callerName = caller.callerOwner && !caller.callerOwner.includes('/') ? `${caller.callerOwner}::${caller.caller}` : caller.caller;
  const handleType = model.handle ?? 'client';
  ctx.report({
    ruleId: 'connection-per-operation',
    messageId: 'churn',
    kind: 'connection',
    language: file.language,
    priority: 'P2',
    confidence: 'low',
    location: locationOf(ref),
    symbol,
    api: a.api,
    snippet: a.snippet,
    message: `\`${a.api}\` in \`${symbol}()\` builds a new ${handleType} on every call and hands it back; \`${callerName}()\` calls it per operation`,
    evidence: [
      `\`${symbol}()\` is a method of an existing \`${a.fn.ownerType}\`, not a constructor, and returns the ${handleType} it builds: each call builds one more`,
      `\`${callerName}()\` (${ctx.project.fileOfCall.get(caller) ?? 'another file'}) calls it and is not a constructor, start-up function or entry point: one ${handleType} per operation`,
      `what the caller does with it (kept, handed to a wrapper that lives as long as a connection) is not judged here: reported at P2`,
    ],
    growth: growthOf(a, handleType),
    impact: model.cost?.summary ?? `one ${handleType} (its own connection pool, sockets and handshakes) per call`,
    remediation: model.remediation ?? `Build the ${handleType} once (in the constructor) and keep it; hand out clones of it.`,
    related: [],
  });
  return true;
}
