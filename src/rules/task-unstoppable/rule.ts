// task-unstoppable: a long-lived task, thread or timer that nothing can stop.
import type { BodyFacts, CallFact } from '../../facts/types.js';
import type { AcquisitionRef, OwnedRelease, Project } from '../../analysis/project.js';
import { calledOnlyOnConstruction, constructionsOf, perOperationCalls, perOperationMaker, releasesOfField, releasesOfStored, resolveDelegate, startedOnlyFromEntry, symbolOf } from '../../analysis/project.js';
import { fewInstances } from '../shared/instances.js';
import { callersSeen, referencedEvidence, unknowableAboveEvidence } from '../shared/callers.js';
import { overwrittenHandle } from '../shared/overwrite.js';
import { resetOnlyWithRelease } from '../shared/flag-guards.js';
import { reportRestartTimer } from './restart-timer.js';
import { reportBlockedSend } from './blocked-send.js';
import { reportDetachedByOwner } from './detached-by-owner.js';
import { reportSkippedExit } from './skipped-exit.js';
import { reportAccumulated } from './accumulated.js';
import { reportRearmRace } from './rearm-race.js';
import { closedBeforeReopen } from './closed-connection.js';
import { reportTimeoutArm } from './timeout-arm.js';
import type { Rule, RuleContext } from '../types.js';
import { vocabularyOf } from '../../models/index.js';
import { ownerLabel, cappedByUnseen, describeFate, processGuardEvidence, guardedGrowth, formatPeriod, growthOf, isTestCode, acquisitionSite, locationOf, unseenCallers, wakeupRate } from '../shared/describe.js';

const KINDS = ['task', 'thread', 'timer'] as const;

export const taskUnstoppable: Rule = {
  meta: {
    id: 'task-unstoppable',
    summary: 'A long-lived task, thread or timer whose handle is dropped or never released, and that listens to no cancellation.',
    kinds: KINDS,
    defaultPriority: 'P0',
    precision: 'high',
    tags: ['leak', 'task', 'timer', 'shutdown'],
    messages: {
      discarded: '`{api}` in `{symbol}()` starts a {loop} that never stops: its handle is dropped',
      fieldNeverReleased: '`{api}` in `{symbol}()` starts a {loop} stored in `{field}` that no teardown stops',
      entryPoint: '`{api}` in `{symbol}()` starts a {loop} that runs for the life of the process with no way to stop it',
      overwritten: '`{api}` in `{symbol}()` stores a new {loop} in `{field}` over the last one without clearing it',
      teardownMisses: '`{api}` in `{symbol}()` keeps a timer in `{field}` that the teardown never clears, though it clears others',
      clearedOnSuccessOnly: '`{api}` in `{symbol}()` is cleared only by the callbacks of the work it times: a failure the catch swallows leaves it armed',
      fieldOverwritten: '`{api}` in `{symbol}()` stores a {loop} in `{field}` over the one already there, which nothing stops',
      blockedSend: '`{api}` in `{symbol}()` can block for ever on its send to `{channel}` once `{symbol}()` stops receiving',
      accumulated: '`{api}` in `{symbol}()` adds a handle to `{field}` on every call, and nothing ever takes one out',
      exitSkipped: '`{api}` in `{symbol}()` starts a {loop} whose stop check a `continue` can skip on every round',
      detachedByOwner: '`{api}` in `{symbol}()` keeps a task in `{field}` that its owner\'s going away only detaches',
      restartUncleared: '`{api}` in `{symbol}()` schedules `{restart}` with a timer nothing can clear: it restarts even after its owner is closed',
      rearmAfterClear: '`{api}` in `{symbol}()` re-arms after awaited work without testing a stop flag: a stop while that work runs is undone',
      timeoutArm: '`{api}` in `{symbol}()` is the timeout arm of a race and is never cleared: when the other arm wins, the timer stays pending until it fires',
      rearmUncancellable: '`{api}` in `{symbol}()` re-arms behind a stop flag, but nothing can clear the pending timer: a stop during the wait still runs one more round',
    },
  },
  check(ctx) {
    for (const ref of ctx.project.acquisitions) {
      if (!(KINDS as readonly string[]).includes(ref.acquisition.kind)) continue;
      checkOne(ctx, ref);
    }
  },
};

function checkOne(ctx: RuleContext, ref: AcquisitionRef): void {
  const { acquisition: a, file } = ref;
  const model = ctx.project.models.get(a.modelId);
  if (!model || model.role !== 'acquire') return;
  const evidence: string[] = [];
  let body: BodyFacts | undefined = a.body;
  let bodyPath = file.path;
  if (body && !body.longLived && body.delegatesTo) {
    const target = resolveDelegate(ctx.project, ref, body.delegatesTo);
    if (target) {
      evidence.push(`the spawned body calls \`${body.delegatesTo}()\` (${target.path}:${target.site.startLine}), which loops`);
      body = { ...target.body, captures: body.captures };
      bodyPath = target.path;
    }
  }
  // A timer whose model runs no body (a Go ticker) is handle-never-released's: nothing here to judge.
  if (!body && !model.body) return;
  if (!body) {
    ctx.note({ counter: 'unknown body', path: file.path, line: a.site.startLine, detail: `${a.api}: body not visible` });
    return;
  }
  if (!body.longLived) {
    if (!isTestCode(ref) && (forgottenByTeardown(ctx, ref) || reportRestartTimer(ctx, ref, model) || reportDetachedByOwner(ctx, ref, body, model) || reportAccumulated(ctx, ref, model) || reportBlockedSend(ctx, ref, body, model.cost?.summary) || clearedOnSuccessOnly(ctx, ref) || reportTimeoutArm(ctx, ref, model))) return;
    ctx.note({ counter: 'one-shot', path: file.path, line: a.site.startLine, detail: `${a.api} runs to completion` });
    return;
  }
  if (isTestCode(ref)) {
    ctx.note({ counter: 'in tests', path: file.path, line: a.site.startLine, detail: `${a.api} long-lived loop in test code` });
    return;
  }
  // A chain through a second method that restarts work (`() => this.reconnect()`) is judged as the restart timer it also is.
  if (body.rearmAfter?.via && body.exits.length === 0 && reportRestartTimer(ctx, ref, model)) return;
  if (body.exits.length > 0) {
    if (reportSkippedExit(ctx, ref, body, model, bodyPath) || reportDetachedByOwner(ctx, ref, body, model) || reportRearmRace(ctx, ref, body, model)) return;
    const exit = body.exits[0]!;
    ctx.note({ counter: 'stoppable', path: file.path, line: a.site.startLine, detail: `${a.api}: ${exit.kind}: ${exit.detail}` });
    return;
  }
  const handleType = model.handle ?? 'handle';
  const fate = a.handle;
  let messageId: 'discarded' | 'fieldNeverReleased' | 'entryPoint' | 'fieldOverwritten' = 'discarded';
  const related: { path: string; line: number; message: string }[] = [];
  switch (fate.kind) {
    case 'released-locally':
    case 'awaited':
    case 'scoped':
      return;
    case 'returned':
    case 'passed':
      ctx.note({ counter: 'handle handed on', path: file.path, line: a.site.startLine, detail: describeFate(fate, handleType) });
      return;
    case 'field': {
      const releases = releasesOfStored(ctx.project, fate, model.releases);
      const fieldType = ctx.project.owners.get(fate.ownerType)?.fields.find((f) => f.name === fate.field)?.type ?? '';
      const storeModel = ctx.project.models.models.find((m) => m.role === 'handle-store' && m.dropReleases && m.handle && fieldType.includes(m.handle));
      const overwritten = storeModel ? undefined : overwrittenHandle(ctx.project, ref);
      if (overwritten) {
        messageId = 'fieldOverwritten';
        evidence.push(overwritten);
        break;
      }
      if (releases.length > 0) {
        // Released in teardown, but a method that runs per operation stores a new one over it.
        // Only when the project shows a caller that runs it per operation: `serve()`-like methods run once per object.
        // A re-armed timeout replaces one that already fired: only repeating timers can be overwritten live.
        if (a.overwritesField && model.repeats && !a.fn.constructOnce && !a.inLoop && !isTestCode(ref)) {
          // `restart() { this.cancel(); this._schedule() }`: a caller that clears the field itself, or
          // calls a method that does, stops the live timer before storing the next one.
          const clearing = new Set(releases.map((r) => r.fn.name));
          // Only a clear the caller makes before it calls (its line earlier in the same file) counts.
          const clearsFirst = (c: CallFact): boolean =>
            c.line !== undefined &&
            [...clearing].some((fn) =>
              (ctx.project.callers.get(fn) ?? []).some(
                (k) => !k.reference && k.caller === c.caller && k.callerOwner === c.callerOwner && k.line !== undefined && k.line < c.line! && ctx.project.fileOfCall.get(k) === ctx.project.fileOfCall.get(c),
              ),
            );
          // `if (this.visible) return; this.visible = true; ..` in the starting method or around its call, with
          // `this.visible = false` only where the field is cleared too: it never starts while its timer is live.
          const owner = fate.ownerType;
          const flagCleared = (flag: string | undefined): boolean => flag !== undefined && resetOnlyWithRelease(ctx.project, owner, flag, clearing);
          const inside = a.guardedOnce?.perInstance && !a.guardedOnce.owner && a.fn.ownerType === owner ? a.guardedOnce.flag : undefined;
          if (flagCleared(inside)) {
            ctx.note({ counter: 'guarded by a flag its stop resets', path: file.path, line: a.site.startLine, detail: `${a.api}: \`${inside}\` (line ${a.guardedOnce!.line}) lets it start again only after a method that also clears \`${fate.field}\`` });
            return;
          }
          const guardedCall = (c: CallFact): boolean => c.callerOwner === owner && c.calleeOwner === owner && flagCleared(c.guardedBy?.flag);
          const perOperation = perOperationCalls(ctx.project, a.fn, file.path, true);
          const reopened = perOperation.map((c) => closedBeforeReopen(ctx.project, c, owner, clearing));
          const guardedAt = perOperation.map(guardedCall);
          const caller = perOperation.find((c, i) => !clearsFirst(c) && !guardedAt[i] && reopened[i] === undefined);
          const closedBy = caller ? undefined : reopened.find((e) => e !== undefined);
          if (closedBy) ctx.note({ counter: 'cleared by its connection\'s close handler', path: file.path, line: a.site.startLine, detail: `${a.api}: ${closedBy}` });
          const guarded = caller ? undefined : perOperation.find((_, i) => guardedAt[i]);
          if (guarded) ctx.note({ counter: 'guarded by a flag its stop resets', path: file.path, line: a.site.startLine, detail: `${a.api}: \`${guarded.caller}()\` calls it under \`${guarded.guardedBy!.flag}\` (line ${guarded.guardedBy!.line}), set back only by a method that also clears \`${fate.field}\`` });
          if (caller) reportOverwrite(ctx, ref, body, releases[0]!.fn.name, caller.caller);
          return;
        }
        // Cleared only by the work itself (a re-arm that clears the last one first), never by the
        // owner's teardown: the loop outlives a closed owner.
        if (!isTestCode(ref) && !clearedOnlyInFlow(ctx, ref, releases)) reportRearmRace(ctx, ref, body, model);
        return;
      }
      if (storeModel) return;
      messageId = 'fieldNeverReleased';
      break;
    }
    default:
      break;
  }
  const startedFrom = a.fn.isEntryPoint ? a.fn.name : startedOnlyFromEntry(ctx.project, a.fn, file.path);
  // `if (!started) { started = true; .. }`: once per process, whoever calls the function.
  const flagged = !startedFrom && !a.inLoop ? a.guardedOnce : undefined;
  // The type whose instances hold the flag: the function's own, or a gate's (`if tm.should_start() { .. }`).
  const flagOwner = flagged?.owner ?? a.fn.ownerType;
  // A field flag (`self.running`) lets it start once per instance: once per process when only the
  // entry point makes instances, else as often as instances are made.
  const madeFrom = flagged?.perInstance && flagOwner ? startedOnlyFromEntry(ctx.project, { name: 'constructor', ownerType: flagOwner }, flagged.owner ? undefined : file.path) : undefined;
  const guarded = flagged && (!flagged.perInstance || madeFrom) ? flagged : undefined;
  const perInstance = flagged?.perInstance && !guarded ? flagged : undefined;
  // Only the function that makes the owner calls it (a builder's `build()`): one per instance. Not when
  // the owner has a teardown that leaves it running: then each torn-down instance leaves one behind
  // (an API server restarted in-process), which is growth per restart.
  const tornDown = !!a.fn.ownerType && !!ctx.project.owners.get(a.fn.ownerType)?.methods.some((m) => m.teardown);
  const setupOf = !startedFrom && !flagged && !a.inLoop && !tornDown ? calledOnlyOnConstruction(ctx.project, a.fn, file.path) : undefined;
  // Started by the owner's constructor, and every construction the project shows sits in a function that
  // runs once per object or at start-up (a reporter made by its broker): one per long-lived object. Not
  // when the owner has a teardown that leaves it running (a server restarted in-process), as for set-ups.
  const ctor = a.fn.isConstructor && a.fn.ownerType && !tornDown && !startedFrom && !flagged && !setupOf && !a.inLoop ? a.fn.ownerType : undefined;
  const makers = ctor ? [...constructionsOf(ctx.project, ctor, file.path), ...(a.fn.name === 'constructor' ? [] : constructionsOf(ctx.project, ctor, file.path, a.fn.name))] : [];
  const perObject = makers.length > 0 && !perOperationMaker(ctx.project, a.fn, file.path) ? makers : undefined;
  if ((startedFrom || guarded) && messageId !== 'fieldOverwritten') messageId = 'entryPoint';
  // Once per instance of its own type (a set-up method, a field guard, the constructor): a fixed few
  // when every construction seen is start-up code.
  const onceEach = !tornDown && !startedFrom && !guarded && !a.inLoop && messageId !== 'fieldOverwritten' && ((perInstance && !perInstance.owner) || setupOf || a.fn.isConstructor || a.fn.isSetup);
  const few = onceEach ? fewInstances(ctx.project, a.fn.ownerType, file.path, file.language) : undefined;

  const loop = body.loopKind ?? 'loop';
  const period = body.periodMs !== undefined ? ` every ${formatPeriod(body.periodMs)}` : '';
  const loopAt = body.loopLine ? ` (${bodyPath === file.path ? 'line ' : `${bodyPath}:`}${body.loopLine})` : '';
  evidence.push(body.serves ? `the body serves connections (${bodyPath === file.path ? 'line ' : `${bodyPath}:`}${body.loopLine ?? '?'}) until shut down` : `the body is a \`${loop}\`${period}${loopAt} with no exit: no break, return, propagated error or stop condition ends it`);
  if (body.ignoresChannelClose) {
    evidence.push(`\`${body.ignoresChannelClose}\` reporting a closed channel does not end the loop: once every sender is gone it spins`);
  }
  for (const ignored of body.ignoredErrors) {
    evidence.push(`errors are ignored: \`${ignored}\`, so the loop cannot notice that its receivers or owner are gone`);
  }
  evidence.push('it listens to no cancellation: no token, shutdown channel or stop flag is checked');
  evidence.push(describeFate(fate, handleType) + (model.dropReleases ? '' : `; dropping ${article(handleType)} ${handleType} does not stop the ${a.kind}`));
  const ownerName = fate.kind === 'field' ? fate.ownerType : a.fn.ownerType;
  // An overwritten field's teardown stops the newest task at best: the evidence above says which one it misses.
  if (ownerName && messageId !== 'fieldOverwritten') {
    const owner = ctx.project.owners.get(ownerName);
    const teardown = owner?.methods.filter((m) => m.teardown) ?? [];
    if (teardown.length === 0) evidence.push(`${ownerLabel(ownerName)} has no ${vocabularyOf(file.language).teardown}`);
    else {
      const names = [...new Set(teardown.map((m) => m.name))].map((n) => `\`${n}\``).join(', ');
      evidence.push(`\`${ownerName}\` has teardown ${teardown.length === 1 ? 'method' : 'methods'} ${names}, but none stops this ${a.kind}`);
      for (const m of teardown) related.push({ path: m.path, line: m.site.startLine, message: `teardown \`${ownerName}::${m.name}\` does not stop it` });
    }
  }
  if (body.captures.length > 0) {
    evidence.push(`it keeps alive what it captured: ${body.captures.slice(0, 6).map((c) => `\`${c}\``).join(', ')}`);
  }

  const unit = unitOf(a.kind);
  const costs = [model.cost?.summary ?? `one ${unit}`];
  if (body.periodMs !== undefined) costs.push(`wakes every ${formatPeriod(body.periodMs)} (${wakeupRate(body.periodMs)} per leaked ${unit})`);
  if (body.captures.length > 0) costs.push(`pins ${body.captures.length} captured value${body.captures.length === 1 ? '' : 's'} (and everything they reference) for ever`);
  if (guarded && madeFrom) {
    evidence.push(`${guarded.owner ? 'the gate' : 'the field'} \`${guarded.flag}\` (line ${guarded.line}) lets it start once per \`${flagOwner}\`, and only \`${madeFrom}()\` makes one: it does not grow, but nothing can shut it down`);
  } else if (guarded) evidence.push(processGuardEvidence(guarded, unit));
  if (setupOf) {
    const maker = setupOf.ownerType ? `${setupOf.ownerType}::${setupOf.name}` : setupOf.name;
    evidence.push(`\`${symbolOf(a)}()\` is only called from \`${maker}()\`, which makes the \`${a.fn.ownerType}\`: one ${unitOf(a.kind)} per \`${a.fn.ownerType}\`, not one per call`);
  }
  if (perInstance) evidence.push(`${perInstance.owner ? 'the gate' : 'the field'} \`${perInstance.flag}\` (line ${perInstance.line}) lets it start at most once per \`${flagOwner}\`: it grows with instances, not with calls`);
  if (perObject && !few) {
    const names = [...new Set(perObject.map((m) => `\`${m.callerOwner && !m.callerOwner.includes('/') ? `${m.callerOwner}::` : ''}${m.caller}()\` (${ctx.project.fileOfCall.get(m) ?? 'another file'})`))];
    evidence.push(`\`${a.fn.ownerType}\` is made only in ${names.slice(0, 3).join(', ')}, which ${names.length === 1 ? 'runs' : 'run'} once per object or at start-up, and nothing on the way there was seen to run per operation: one ${unit} per long-lived \`${a.fn.ownerType}\`, not one per operation`);
  }
  if (few) evidence.push(few);
  if (startedFrom && !a.fn.isEntryPoint) evidence.push(`\`${symbolOf(a)}()\` is only called from \`${startedFrom}()\`: one ${unitOf(a.kind)} per process, it does not grow, but nothing can shut it down`);
  const { callers, above } = !startedFrom && !guarded && !a.fn.isEntryPoint && a.fn.name !== '<module>' && !a.inLoop ? callersSeen(ctx.project, a, file.path) : { callers: 'known' as const, above: undefined };
  if (callers === 'referenced') evidence.push(referencedEvidence(ctx.project, a, file.path) ?? unseenCallers(symbolOf(a), 'none'));
  else if (above) evidence.push(unknowableAboveEvidence(ctx.project, a, above));
  else if (callers !== 'known') evidence.push(unseenCallers(symbolOf(a), callers));
  if (a.unreferenced) evidence.push(`it is unreferenced with ${a.unreferenced.how}: it no longer keeps the process alive, but it still runs and keeps what it captured`);
  const proven = {
    priority: startedFrom || guarded || few ? ('P2' as const) : a.unreferenced || perInstance || setupOf || perObject || messageId === 'fieldOverwritten' ? ('P1' as const) : ('P0' as const),
    confidence: body.ignoredErrors.length > 0 || fate.kind === 'discarded' ? ('high' as const) : ('medium' as const),
  };
  const judged = callers === 'known' ? proven : cappedByUnseen(proven.priority, proven.confidence);
  // A server the body runs (not a loop written here) is often meant to run as long as its process.
  if (body.serves) evidence.push(`the body runs the server \`${body.serves}\` with no graceful-shutdown signal: it accepts connections until the process exits; whether that is meant is not seen, so this is reported at P2`);
  // A chain through another method re-arms from a callback it hands on: that the callback runs each time is assumed.
  if (body.rearmAfter?.via) evidence.push(`the chain runs through \`${body.rearmAfter.via}()\`, which re-arms from ${body.rearmAfter.how} (line ${body.rearmAfter.line}): that it calls back every time is not seen, so this is reported at P2`);
  const { priority, confidence } = body.serves || body.rearmAfter?.via ? { priority: 'P2' as const, confidence: 'low' as const } : judged;
  const symbol = symbolOf(a);
  const field = fate.kind === 'field' ? `${fate.ownerType}.${fate.field}` : '';
  const message =
    messageId === 'fieldOverwritten'
      ? `\`${a.api}\` in \`${symbol}()\` stores a \`${loop}\`${period} in \`${field}\` over the one already there, which nothing stops`
      : messageId === 'fieldNeverReleased'
      ? `\`${a.api}\` in \`${symbol}()\` starts a \`${loop}\`${period} stored in \`${field}\` that no teardown stops`
      : messageId === 'entryPoint'
        ? `\`${a.api}\` in \`${symbol}()\` starts a \`${loop}\`${period} that runs for the life of the process with no way to stop it`
        : `\`${a.api}\` in \`${symbol}()\` starts a \`${loop}\`${period} that never stops: its ${handleType} is dropped`;
  ctx.report({
    ruleId: 'task-unstoppable',
    messageId,
    kind: a.kind,
    language: file.language,
    priority,
    confidence,
    location: locationOf(ref),
    symbol,
    api: a.api,
    snippet: a.snippet,
    message,
    evidence,
    growth: guarded
      ? guardedGrowth(guarded, unit)
      : perInstance
        ? `+1 ${unit} per \`${flagOwner}\` instance (guarded by \`${perInstance.flag}\`)`
        : setupOf || perObject
          ? `+1 ${unit} per \`${a.fn.ownerType}\` instance`
      : startedFrom && !a.fn.isEntryPoint
        ? `1 ${unit} for the life of the process (started from \`${startedFrom}()\` via \`${symbol}()\`)`
        : growthOf(a, unit),
    impact: costs.join('; '),
    remediation: model.remediation ?? `Keep the ${handleType} and release it (${model.releases.join('/') || 'stop it'}) in the owner's teardown.`,
    related,
    ...(startedFrom || (guarded && !guarded.perKey) ? { lifetime: 'process' as const } : {}),
  });
}


function unitOf(kind: string): string {
  return kind === 'thread' ? 'thread' : kind === 'timer' ? 'timer' : 'task';
}

function article(word: string): string {
  return /^[aeiou]/i.test(word) ? 'an' : 'a';
}

/**
 * Teardown asymmetry: a one-shot timer kept in a field of an owner whose teardown clears other
 * timers of the same owner, but never this one (`disconnect()` clears `pingTimer`, not
 * `reconnectTimer`). The teardown shows the author meant to stop the owner's timers; the one it
 * forgets still fires after it, on an object that was shut down (a reconnect after disconnect).
 */
function forgottenByTeardown(ctx: RuleContext, ref: AcquisitionRef): boolean {
  const { acquisition: a, file } = ref;
  const fate = a.handle;
  const model = ctx.project.models.get(a.modelId);
  if (a.kind !== 'timer' || fate.kind !== 'field' || !model || model.releases.length === 0) return false;
  const owner = ctx.project.owners.get(fate.ownerType);
  const ownReleases = releasesOfStored(ctx.project, fate, model.releases);
  if (ownReleases.length > 0) return clearedOnlyInFlow(ctx, ref, ownReleases);
  // Only a timer the field holds itself (`this.reconnectTimer = setTimeout(..)`): one kept in a
  // collection of requests (a per-request timeout in a Map) ends with its request, not the owner.
  const fieldType = owner?.fields.find((f) => f.name === fate.field)?.type ?? '';
  if (fate.line !== a.site.startLine || /\b(Map|Set|WeakMap|Array|Record)\b|\[\]/.test(fieldType)) return false;
  const teardowns = new Set((owner?.methods ?? []).filter((m) => m.teardown).map((m) => m.name));
  if (teardowns.size === 0) return false;
  const cleared: { field: string; fn: string; path: string; line: number }[] = [];
  for (const [key, releases] of ctx.project.fieldReleases) {
    if (!key.startsWith(`${fate.ownerType}.`) || key === `${fate.ownerType}.${fate.field}`) continue;
    const r = releases.find((x) => model.releases.includes(x.api) && teardowns.has(x.fn.name));
    if (r) cleared.push({ field: key.slice(fate.ownerType.length + 1), fn: r.fn.name, path: r.path, line: r.site.startLine });
  }
  // No teardown clears any timer: the omission shows less intent, so it is information (P2).
  const asymmetric = cleared.length > 0;
  const symbol = symbolOf(a);
  const fns = asymmetric ? [...new Set(cleared.map((c) => c.fn))] : [...teardowns].slice(0, 3);
  const teardownText = fns.map((f) => `\`${f}()\``).join(', ');
  const others = cleared.slice(0, 3).map((c) => `\`${c.field}\``).join(', ');
  // A module's own timers are kept under the module's path (TypeScript): name it as the module.
  const ownerName = fate.ownerType.includes('/') ? 'the module' : fate.ownerType;
  ctx.report({
    ruleId: 'task-unstoppable',
    messageId: 'teardownMisses',
    ...acquisitionSite(ref),
    priority: asymmetric ? 'P1' : 'P2',
    confidence: asymmetric ? 'medium' : 'low',
    message: asymmetric
      ? `\`${a.api}\` in \`${symbol}()\` keeps a timer in \`${fate.field}\` that ${teardownText} never clears, though ${fns.length === 1 ? 'it clears' : 'they clear'} ${others}`
      : `\`${a.api}\` in \`${symbol}()\` keeps a timer in \`${fate.field}\` that ${teardownText} never clears`,
    evidence: [
      `the timer is stored in \`${ownerName}.${fate.field}\` (line ${fate.line ?? a.site.startLine})`,
      asymmetric
        ? `${teardownText} ${fns.length === 1 ? 'clears' : 'clear'} ${others} with ${model.releases.map((r) => `\`${r}\``).join('/')}: the teardown means to stop this owner's timers`
        : `\`${ownerName}\` has the teardown ${teardownText}, and nothing clears \`${fate.field}\` anywhere`,
      `nothing calls ${model.releases.map((r) => `\`${r}\``).join('/')} on \`${fate.field}\`: a timer pending at teardown still fires its callback on an owner that was shut down, and keeps the process alive until it does`,
    ],
    growth: `at most 1 pending timer per \`${ownerName}\` instance, firing after teardown`,
    impact: model.cost?.summary ?? 'one pending timer and everything its callback references',
    remediation: `Clear \`${fate.field}\` in ${teardownText} as well (\`${model.releases[0]}(this.${fate.field})\`), and check a stopped flag before re-arming it.`,
    related: asymmetric ? cleared.slice(0, 3).map((c) => ({ path: c.path, line: c.line, message: `${c.fn}() clears \`${c.field}\` here` })) : [],
  });
  return true;
}

/**
 * A one-shot timer kept in a field that the work itself clears (the response handler clears the
 * request timeout) but that no teardown of its owner clears, directly or through a method of
 * the owner it calls: a timer pending when the owner is torn down (`abort()`, `close()`) still
 * fires on it. The timer may still be cleared through events the teardown causes (a socket's
 * `close` handler), which is not followed: information (P2).
 */
const REMOVAL_HOOK = /^[_#]?(on)?(remove|unload|unmount|detach)(ed)?$/i;

function clearedOnlyInFlow(ctx: RuleContext, ref: AcquisitionRef, releases: readonly OwnedRelease[]): boolean {
  const { acquisition: a, file } = ref;
  const fate = a.handle;
  const model = ctx.project.models.get(a.modelId);
  if (fate.kind !== 'field' || !model || fate.line !== a.site.startLine) return false;
  const owner = ctx.project.owners.get(fate.ownerType);
  const fieldType = owner?.fields.find((f) => f.name === fate.field)?.type ?? '';
  if (/\b(Map|Set|WeakMap|Array|Record)\b|\[\]/.test(fieldType)) return false;
  const teardowns = [...new Set((owner?.methods ?? []).filter((m) => m.teardown).map((m) => m.name))];
  if (teardowns.length === 0) return false;
  // Removal hooks (`remove()`, `onRemove()`, `unload()`) end the owner's life too, without a teardown's name.
  const ends = new Set([...teardowns, ...(owner?.methods ?? []).map((m) => m.name).filter((n) => REMOVAL_HOOK.test(n))]);
  if (releases.some((r) => r.fn.ownerType === fate.ownerType && reachedFromTeardown(ctx.project, fate.ownerType, r.fn.name, ends))) return false;
  // A timer the teardown itself starts (a fade-out before removal) is its delayed work, not left over.
  if (ends.has(a.fn.name)) return false;
  // Cleared from functions of another owner, or closures whose owner is not known: not judged.
  if (releases.some((r) => r.fn.ownerType !== fate.ownerType || r.fn.name.startsWith('<'))) return false;
  const symbol = symbolOf(a);
  const ownerName = fate.ownerType.includes('/') ? 'the module' : fate.ownerType;
  const teardownText = teardowns.slice(0, 3).map((f) => `\`${f}()\``).join(', ');
  const clearers = [...new Set(releases.map((r) => r.fn.name))].slice(0, 3);
  ctx.report({
    ruleId: 'task-unstoppable',
    messageId: 'teardownMisses',
    ...acquisitionSite(ref),
    priority: 'P2',
    confidence: 'low',
    message: `\`${a.api}\` in \`${symbol}()\` keeps a timer in \`${fate.field}\` that ${clearers.map((c) => `\`${c}()\``).join(', ')} clear${clearers.length === 1 ? 's' : ''} in the course of the work, but ${teardownText} never clear${teardowns.length === 1 ? 's' : ''}`,
    evidence: [
      `the timer is stored in \`${ownerName}.${fate.field}\` (line ${fate.line ?? a.site.startLine})`,
      ...releases.slice(0, 3).map((r) => `\`${r.fn.name}()\` clears it with \`${r.api}\` (${r.path}:${r.site.startLine}), and no teardown calls \`${r.fn.name}()\` (followed through calls on \`this\` in the files read)`),
      a.body?.longLived
        ? `\`${ownerName}\` has the teardown ${teardownText}, which clears no \`${fate.field}\`: the ${a.body.loopKind ?? 'loop'} keeps running after it, on a torn-down owner`
        : `\`${ownerName}\` has the teardown ${teardownText}, which clears no \`${fate.field}\`: a timer pending when it runs still fires on a torn-down owner`,
      `the teardown may still lead to one of those functions through an event it causes (a \`close\` handler): events are not followed, so this is information`,
    ],
    growth: `at most 1 pending timer per \`${ownerName}\` instance, firing after teardown`,
    impact: model.cost?.summary ?? 'one pending timer and everything its callback references',
    remediation: `Clear \`${fate.field}\` in ${teardownText} as well (\`${model.releases[0]}(this.${fate.field})\`).`,
    related: releases.slice(0, 3).map((r) => ({ path: r.path, line: r.site.startLine, message: `${r.fn.name}() clears \`${fate.field}\` here` })),
  });
  return true;
}

/** Does a teardown of `owner` run `fn`: is it one, or does one call it on `this` (a few calls deep)? */
function reachedFromTeardown(project: Project, owner: string, fn: string, teardowns: ReadonlySet<string>): boolean {
  const seen = new Set<string>([fn]);
  let frontier = [fn];
  for (let depth = 0; depth < 5 && frontier.length > 0; depth++) {
    if (frontier.some((f) => teardowns.has(f))) return true;
    const next: string[] = [];
    for (const f of frontier) {
      for (const call of project.callers.get(f) ?? []) {
        if (call.callerOwner !== owner || (call.calleeOwner !== undefined && call.calleeOwner !== owner)) continue;
        if (!seen.has(call.caller)) {
          seen.add(call.caller);
          next.push(call.caller);
        }
      }
    }
    frontier = next;
  }
  return false;
}

/**
 * `poll() { this.timer = setInterval(..) }` with `stop()` clearing `this.timer`: each call of
 * `poll()` stores a new timer over the last, which `stop()` can then no longer reach.
 */
function reportOverwrite(ctx: RuleContext, ref: AcquisitionRef, body: BodyFacts, releasedBy: string, caller: string): void {
  const { acquisition: a, file } = ref;
  const fate = a.handle;
  const model = ctx.project.models.get(a.modelId);
  if (fate.kind !== 'field' || !model) return;
  const symbol = symbolOf(a);
  const loop = body.loopKind ?? 'loop';
  const period = body.periodMs !== undefined ? ` every ${formatPeriod(body.periodMs)}` : '';
  // Cleared in the flow of the work (a response handler, not a teardown): the author stops each timer
  // when its operation ends, and an overwrite needs two operations to overlap, which is not seen.
  const inFlow = !ctx.project.owners.get(fate.ownerType)?.methods.some((m) => m.name === releasedBy && m.teardown);
  ctx.report({
    ruleId: 'task-unstoppable',
    messageId: 'overwritten',
    ...acquisitionSite(ref),
    priority: inFlow ? 'P2' : 'P1',
    confidence: inFlow ? 'low' : 'medium',
    message: `\`${a.api}\` in \`${symbol}()\` stores a new \`${loop}\`${period} in \`${fate.field}\` over the last one without clearing it: only the latest can be stopped`,
    evidence: [
      `\`${symbol}()\` assigns \`${fate.field}\` (line ${fate.line}) without clearing or checking it first: nothing before the assignment mentions \`${fate.field}\``,
      `\`${releasedBy}()\` clears \`${fate.field}\`, so only the timer stored last is ever stopped`,
      `\`${caller}()\` calls \`${symbol}()\` per operation: when it runs again while a timer is live, the earlier one keeps running for ever`,
      ...(inFlow ? [`\`${releasedBy}()\` is no teardown but part of the work: whether two operations overlap (the only way a live timer is overwritten) is not seen`] : []),
    ],
    growth: `+1 unstoppable ${a.kind} per repeated call of \`${symbol}()\` while one is live`,
    impact: model.cost?.summary ?? 'one timer and everything its callback references',
    remediation: `Clear the previous one first (\`${model.releases[0] ?? 'clearInterval'}(this.${fate.field})\`) or return early when \`this.${fate.field}\` is set.`,
    related: [],
  });
}

/**
 * A one-shot timer its callbacks clear (on connect, on error), armed in a `try` whose `catch`
 * swallows a failure of the next call without clearing it: on that path the timer still fires
 * later (a connect timeout on a connection that already failed). Information (P2): it fires once.
 */
function clearedOnSuccessOnly(ctx: RuleContext, ref: AcquisitionRef): boolean {
  const { acquisition: a, file } = ref;
  const fate = a.handle;
  const model = ctx.project.models.get(a.modelId);
  if (a.kind !== 'timer' || fate.kind !== 'released-locally' || !fate.onlyOnSuccess || !model) return false;
  const symbol = symbolOf(a);
  const risk = fate.onlyOnSuccess;
  ctx.report({
    ruleId: 'task-unstoppable',
    messageId: 'clearedOnSuccessOnly',
    ...acquisitionSite(ref),
    priority: 'P2',
    confidence: 'low',
    message: `\`${a.api}\` in \`${symbol}()\` is cleared only by the callbacks of the work it times: if \`${risk.call}\` throws, the catch leaves the timer armed`,
    evidence: [
      `the timer is kept in \`${fate.local}\` and cleared with \`${fate.api}\` (line ${fate.line}) by a callback of the work`,
      `\`${risk.call}\` (line ${risk.line}) can throw inside the same \`try\`; its \`catch\` neither clears \`${fate.local}\` nor rethrows, and no \`finally\` clears it`,
      'on that path the timer still fires later, on work that already failed: it fires once, so this is information',
    ],
    growth: `+1 stray timer per failing call of \`${symbol}()\`, until it fires`,
    impact: model.cost?.summary ?? 'one pending timer and everything its callback references',
    remediation: `Clear it in the \`catch\` (or a \`finally\`) as well: \`${model.releases[0] ?? 'clearTimeout'}(${fate.local})\`.`,
    related: [{ path: file.path, line: risk.line, message: `\`${risk.call}\` can throw here` }],
  });
  return true;
}
