// A one-shot task whose send on an unbuffered channel may never be received: the spawner
// stops listening (a `select` won by a timeout or another result, a `for range` left early)
// and the task blocks on its send for ever, holding its stack and everything it captured.
import type { AcquisitionRef } from '../../analysis/project.js';
import { callersOf, startedOnlyFromEntry, symbolOf } from '../../analysis/project.js';
import type { BodyFacts } from '../../facts/types.js';
import type { RuleContext } from '../types.js';
import { growthOf, acquisitionSite, locationOf } from '../shared/describe.js';

/** Reports the task of `ref` when its body's send can be abandoned; false when the caller should judge it as usual. */
export function reportBlockedSend(ctx: RuleContext, ref: AcquisitionRef, body: BodyFacts, impact: string | undefined): boolean {
  const { acquisition: a, file } = ref;
  const blocked = body.abandonedSend;
  if (!blocked) return false;
  const symbol = symbolOf(a);
  const startedFrom = a.inLoop ? undefined : a.fn.isEntryPoint || a.fn.name === '<module>' ? a.fn.name : startedOnlyFromEntry(ctx.project, a.fn, file.path);
  if (startedFrom) {
    ctx.note({ counter: 'once per process', path: file.path, line: a.site.startLine, detail: `${a.api} in ${symbol} may block on \`${blocked.channel}\`, from ${startedFrom}()` });
    return true;
  }
  // A free function only handed over as a value (a CLI command's action, a hook): how often it runs is not known.
  const callers = a.fn.ownerType || a.inLoop ? 'known' : callersOf(ctx.project, a.fn, file.path);
  const doubtful = callers === 'referenced' || callers === 'none';
  ctx.report({
    ruleId: 'task-unstoppable',
    messageId: 'blockedSend',
    ...acquisitionSite(ref),
    priority: doubtful ? 'P2' : 'P1',
    confidence: doubtful ? 'low' : 'medium',
    message: `\`${a.api}\` in \`${symbol}()\` can block for ever on its send to \`${blocked.channel}\` once \`${symbol}()\` stops receiving`,
    evidence: [
      `the task sends on \`${blocked.channel}\` (line ${blocked.line}), which \`${symbol}()\` makes without a buffer: the send waits until someone receives`,
      blocked.why,
      `the send is not in a \`select\` with a way out (a \`ctx.Done()\` case or a default), and \`${blocked.channel}\` is not handed to anything else that could receive it, in the files read`,
      `\`${symbol}()\` is not an entry point: every call that takes that path leaves one blocked task behind${a.inLoop ? ' (spawned in a loop: up to one per iteration)' : ''}`,
      ...(doubtful ? [`\`${symbol}()\` is not called directly in the files read (it may be handed over as a value: a command action, a callback): if it runs once per process, this is one blocked task, so it is reported at P2`] : []),
    ],
    growth: growthOf(a, 'blocked task').replace(/per call of/, 'per call that stops receiving, of'),
    impact: impact ?? 'one blocked task and everything it references, for the life of the process',
    remediation: `Give the channel room for every send (\`make(chan T, n)\` with n the number of senders), or send in a \`select\` with \`case <-ctx.Done(): return\`, so the task can finish when nobody listens any more.`,
    related: [{ path: file.path, line: blocked.receiveLine, message: `the only receive of \`${blocked.channel}\`, which may not run` }],
  });
  return true;
}
