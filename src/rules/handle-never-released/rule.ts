// handle-never-released: a resource that only an explicit call releases (a
// ticker's Stop, a context's cancel function, a response body's Close) is
// acquired and neither released, kept where a teardown releases it, nor handed on.
import type { Priority } from '../../analysis/finding.js';
import { comparePriority } from '../../analysis/finding.js';
import { releasesOfStored, startedOnlyFromEntry, symbolOf } from '../../analysis/project.js';
import type { Rule } from '../types.js';
import { fewInstances } from '../shared/instances.js';
import type { AcquisitionRef } from '../../analysis/project.js';
import { describeFate, growthOf, isTestCode, locationOf, ownerLabel } from '../shared/describe.js';

const KINDS = ['timer', 'context', 'stream'] as const;

export const handleNeverReleased: Rule = {
  meta: {
    id: 'handle-never-released',
    summary: 'A resource that only an explicit call releases (a ticker\'s Stop, a context\'s cancel function, a response body\'s Close) is acquired and nothing releases it.',
    kinds: KINDS,
    defaultPriority: 'P0',
    precision: 'high',
    tags: ['leak', 'timer', 'context', 'http'],
    messages: {
      perOperation: '`{api}` in `{symbol}()`: nothing calls {release} on the {handle}, on every call',
      fieldNeverReleased: '`{api}` in `{symbol}()` keeps the {handle} in `{field}`, and no teardown calls {release} on it',
      unreleasable: '`{api}` in `{symbol}()` makes a {handle} that nothing can release',
      skippedByReturn: '`{api}` in `{symbol}()`: the {handle} is released on some paths only; the return at line {line} skips {release}',
    },
  },
  check(ctx) {
    for (const ref of ctx.project.acquisitions) {
      const a = ref.acquisition;
      if (!(KINDS as readonly string[]).includes(a.kind) || isTestCode(ref)) continue;
      const model = ctx.project.models.get(a.modelId);
      // Timers with a body (setInterval, a spawned loop) are task-unstoppable's.
      if (!model || model.role !== 'acquire' || model.body || model.dropReleases) continue;
      const path = ref.file.path;
      const line = a.site.startLine;
      const fate = a.handle;
      const handleType = model.handle ?? a.kind;
      if ((fate.kind === 'released-locally' && !fate.skippedBy) || fate.kind === 'awaited' || fate.kind === 'scoped') continue;
      if (fate.kind === 'returned' || fate.kind === 'passed') {
        ctx.note({ counter: 'handle handed on', path, line, detail: describeFate(fate, handleType) });
        continue;
      }
      // `()`: the handle is a function to call (a cancel function); otherwise methods or functions taking it.
      const callsItself = model.releases.includes('()');
      const release = model.releases.filter((r) => r !== '()').map((r) => `\`${r.replace(/^.*\//, '')}\``).join('/');
      const nothingCalls = (on: string): string => (callsItself ? `nothing calls ${on}` : `nothing calls ${release} on ${on}`);
      const symbol = symbolOf(a);
      if (fate.kind === 'field' && model.releases.length > 0) {
        const releases = releasesOfStored(ctx.project, fate, model.releases);
        if (releases.length > 0) {
          ctx.note({ counter: 'released in teardown', path, line, detail: `${fate.ownerType}.${fate.field} released in ${releases[0]!.fn.name}()` });
          continue;
        }
      }
      const startedFrom = a.inLoop ? undefined : a.fn.isEntryPoint || a.fn.name === '<module>' ? a.fn.name : startedOnlyFromEntry(ctx.project, a.fn, path);
      if (startedFrom || (!a.inLoop && a.guardedOnce)) {
        ctx.note({ counter: 'once per process', path, line, detail: `${a.api} in ${symbol}${startedFrom ? `, from ${startedFrom}()` : ''}` });
        continue;
      }
      if (fate.kind === 'released-locally' && fate.skippedBy) {
        reportSkipped(ctx, ref, fate, fate.skippedBy, model.maxPriority, callsItself ? `\`${fate.local}()\`` : `\`${fate.local}.${fate.api.replace(/^.*\//, '')}()\``, handleType, model.cost?.summary, model.remediation);
        continue;
      }
      const perInstance = fate.kind === 'field' || (a.fn.constructOnce && !a.inLoop);
      const evidence = [...(a.notes ?? []), describeFate(fate, handleType)];
      let messageId: 'perOperation' | 'fieldNeverReleased' | 'unreleasable' = perInstance && fate.kind === 'field' ? 'fieldNeverReleased' : 'perOperation';
      if (model.releases.length === 0) {
        messageId = 'unreleasable';
        evidence.push(`${article(handleType)} ${handleType} from \`${a.api}\` has no release: nothing can stop it`);
      } else if (fate.kind === 'field') {
        const teardown = ctx.project.owners.get(fate.ownerType)?.methods.filter((m) => m.teardown) ?? [];
        evidence.push(
          teardown.length === 0
            ? `${nothingCalls(`\`${fate.ownerType}.${fate.field}\``)} in the project, and ${ownerLabel(fate.ownerType)} has no teardown method (Close/Stop/Shutdown)`
            : `\`${fate.ownerType}\` has ${teardown.map((m) => `\`${m.name}\``).join(', ')}, but none of them ${callsItself ? `calls \`${fate.field}\`` : `calls ${release} on \`${fate.field}\``}`,
        );
      } else {
        evidence.push(`${nothingCalls(`the ${handleType}`)} in \`${symbol}()\`, on any path, and it is not returned, stored or handed on`);
      }
      evidence.push(
        perInstance
          ? `\`${symbol}()\` runs once per ${a.fn.ownerType ? `\`${a.fn.ownerType}\`` : 'object'}: one more per instance`
          : `\`${symbol}()\` is not a constructor, init or entry point: it runs per operation${a.inLoop ? ', and the acquisition sits in a loop (one per iteration)' : ''}`,
      );
      let priority: Priority = perInstance ? 'P1' : 'P0';
      // Once per instance of a type whose every construction seen is start-up code: a fixed few.
      const few = perInstance && !a.inLoop && (a.fn.isConstructor || a.fn.isSetup) ? fewInstances(ctx.project, fate.kind === 'field' ? fate.ownerType : a.fn.ownerType, path, ref.file.language) : undefined;
      if (few) {
        evidence.push(few);
        priority = 'P2';
      }
      if (fate.kind === 'local' && fate.drained) {
        priority = 'P2';
        evidence.push(`\`${fate.drained.by}\` (line ${fate.drained.line}) reads it to its end, which gives most of it back (a drained response body returns its connection to the pool); it stays held only when that read fails, so it is reported at P2`);
      }
      if (model.maxPriority && comparePriority(priority, model.maxPriority) < 0) {
        priority = model.maxPriority;
        evidence.push(model.maxPriorityReason ?? `the runtime bounds this leak (see the impact), so it is reported at ${priority} at most`);
      }
      const field = fate.kind === 'field' ? `${fate.ownerType}.${fate.field}` : '';
      ctx.report({
        ruleId: 'handle-never-released',
        messageId,
        kind: a.kind,
        language: ref.file.language,
        priority,
        confidence: fate.kind === 'discarded' ? 'high' : 'medium',
        location: locationOf(ref),
        symbol,
        api: a.api,
        snippet: a.snippet,
        message:
          messageId === 'unreleasable'
            ? `\`${a.api}\` in \`${symbol}()\` makes ${article(handleType)} ${handleType} that nothing can release`
            : messageId === 'fieldNeverReleased'
              ? `\`${a.api}\` in \`${symbol}()\` keeps the ${handleType} in \`${field}\`, and no teardown ${callsItself ? 'calls it' : `calls ${release} on it`}`
              : `\`${a.api}\` in \`${symbol}()\`: ${nothingCalls(`the ${handleType}`)}, on every call`,
        evidence,
        growth: perInstance && fate.kind === 'field' ? `+1 ${handleType} per \`${fate.ownerType}\` instance` : growthOf(a, handleType),
        impact: model.cost?.summary ?? `one ${a.kind} per acquisition, until the process exits`,
        remediation: model.remediation ?? `Release it on every path (${release}).`,
        related: [],
      });
    }
  },
};

/** Released, but a `return` (or the end of the function) comes before every release on one path. */
function reportSkipped(
  ctx: Parameters<Rule['check']>[0],
  ref: AcquisitionRef,
  fate: { line: number },
  skipped: { line: number; end?: true },
  maxPriority: Priority | undefined,
  release: string,
  handleType: string,
  cost: string | undefined,
  remediation: string | undefined,
): void {
  const a = ref.acquisition;
  const symbol = symbolOf(a);
  const where = skipped.end ? `the end of \`${symbol}()\` (line ${skipped.line})` : `the return at line ${skipped.line}`;
  const perInstance = a.fn.constructOnce && !a.inLoop;
  let priority: Priority = 'P1';
  const evidence = [
    ...(a.notes ?? []),
    `the ${handleType} is released with ${release} (line ${fate.line}), but not on every path: ${where} is reached with no release (and no \`defer\` of it) before it on that path`,
    `no release of it was found in a closure, and it is not returned, stored or handed on in \`${symbol}()\``,
    perInstance
      ? `\`${symbol}()\` runs once per ${a.fn.ownerType ? `\`${a.fn.ownerType}\`` : 'object'}: at most one more per instance`
      : `\`${symbol}()\` is not a constructor, init or entry point: every call that takes that path leaves one behind${a.inLoop ? ' (the acquisition sits in a loop: one per iteration)' : ''}`,
  ];
  if (perInstance) priority = 'P2';
  if (maxPriority) {
    // Leaked on one path only, and the runtime bounds it even then (a deadline, the GC of an unreferenced timer).
    priority = 'P2';
    evidence.push(`the runtime bounds this leak (see the impact) and only that path leaks, so it is reported at P2`);
  }
  ctx.report({
    ruleId: 'handle-never-released',
    messageId: 'skippedByReturn',
    kind: a.kind,
    language: ref.file.language,
    priority,
    confidence: 'medium',
    location: locationOf(ref),
    symbol,
    api: a.api,
    snippet: a.snippet,
    message: `\`${a.api}\` in \`${symbol}()\`: the ${handleType} is released on some paths only; ${where} skips ${release}`,
    evidence,
    growth: growthOf(a, handleType).replace(/per call of/, 'per call that takes that path, of'),
    impact: cost ?? `one ${a.kind} per acquisition on that path`,
    remediation: `Release it on every path: \`defer\` the release right after the acquisition (after its own error check). ${remediation ?? ''}`.trim(),
    related: [{ path: ref.file.path, line: skipped.line, message: `this path leaves \`${symbol}()\` without ${release}` }],
  });
}

function article(word: string): string {
  return /^[aeiou]/i.test(word.replace(/^[^a-z]+/i, '')) ? 'an' : 'a';
}
