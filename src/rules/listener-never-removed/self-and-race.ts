// Two sources the generic lifetimes call short-lived, and when they are not:
//  - the object itself (`this.once('newjob', ..)` in a method other than the constructor): each
//    call of the method adds one more listener to an object that outlives the call;
//  - one-shot listeners racing on the same emitter (`once('connect')` beside `once('error')`)
//    with nothing removing the loser: one of the pair stays registered after every call.
import type { Acquisition } from '../../facts/types.js';

export type Frequency = 'per-operation' | 'per-instance' | 'once';

export type SelfOrRace =
  /** Not one of these cases: the generic lifetimes decide. */
  | { kind: 'generic'; evidence?: string[] }
  /** Judged harmless: the note to leave. */
  | { kind: 'skip'; counter: string; detail: string }
  /** Reported: what to say of the source, and the highest priority the evidence carries. */
  | { kind: 'report'; lifetime: string; cap: 'P1' | 'P2'; evidence: string[] };

/** `outlives`: the generic lifetime text of the source, when it has one (a process-wide object ..). */
export function selfOrRace(a: Acquisition, frequency: Frequency, outlives: string | undefined): SelfOrRace {
  const source = a.source!;
  const race = a.raceWith;
  const raceEvidence =
    race !== undefined
      ? [`it races a one-shot listener for \`${race}\` on the same emitter: only one of the two events ends the operation, and nothing removes the other listener, so it stays registered after each call`]
      : [];
  if (source.lifetime === 'self') {
    if (a.handlerFromCaller) return { kind: 'skip', counter: 'handler from the caller', detail: `${a.api}: the handler is a parameter of ${a.fn.name}(); its caller owns its removal` };
    const self = `the object itself, whose method \`${a.fn.name}()\` adds the listener: it outlives every call of that method`;
    if (frequency === 'per-operation') return { kind: 'report', lifetime: self, cap: race !== undefined || !a.oneShot ? 'P1' : 'P2', evidence: raceEvidence };
    if (race !== undefined && frequency === 'per-instance') {
      return {
        kind: 'report',
        lifetime: self,
        cap: 'P2',
        evidence: [...raceEvidence, `\`${a.fn.name}()\` is named like a set-up that runs once per object; only when it runs again on the same object does the left listener pile up`],
      };
    }
    return { kind: 'skip', counter: 'short-lived source', detail: `${a.api}: \`${source.text}\` listens to itself in ${a.fn.name}(), which runs once per object` };
  }
  const broken = (a.brokenRemovals ?? []).map((b) => `a removal is written for it but cannot remove it: ${b.how}`);
  if (broken.length > 0 && race === undefined) {
    // The author meant to remove it: what stays is a listener whose handler runs after that teardown.
    if (outlives) return { kind: 'generic', evidence: broken };
    return {
      kind: 'report',
      lifetime: `an emitter its owner keeps: the listener stays as long as \`${source.text}\` does, and its handler keeps running after the teardown that meant to remove it`,
      cap: 'P2',
      evidence: broken,
    };
  }
  if (race === undefined) return { kind: 'generic' };
  // A process-wide or injected emitter: the generic path judges it, without the one-shot discount.
  if (outlives) return { kind: 'generic' };
  if (source.lifetime === 'local' || frequency !== 'per-operation') return { kind: 'generic' };
  return {
    kind: 'report',
    lifetime: `${source.lifetime === 'parameter' ? 'handed in by the caller' : 'held beyond this call'}: whether it outlives the operation depends on ${source.lifetime === 'parameter' ? 'the caller' : 'who else holds it'}`,
    cap: 'P2',
    evidence: raceEvidence,
  };
}
