// listener-never-removed: a listener or subscription added, per operation or
// per instance, to an object that outlives it, and never removed.
import { comparePriority } from '../../analysis/finding.js';
import type { Acquisition, CallFact, SourceLifetime } from '../../facts/types.js';
import { calledOnlyFromSetup, constructionsOf, perEventCall, perOperationCalls, releasesOfField, startedOnlyFromEntry, symbolOf, type Project } from '../../analysis/project.js';
import { fewInstances } from '../shared/instances.js';
import { callersSeen, referencedEvidence, unknowableAboveEvidence } from '../shared/callers.js';
import type { Rule } from '../types.js';
import { selfOrRace } from './self-and-race.js';
import { ownerLabel, cappedByUnseen, processGuardEvidence, describeFate, isTestCode, acquisitionSite, locationOf, unseenCallers } from '../shared/describe.js';

const KINDS = ['listener', 'subscription'] as const;

/** Sources that outlive any one call or instance. */
const OUTLIVES: Readonly<Partial<Record<SourceLifetime, string>>> = {
  global: 'a process-wide object: it lives as long as the process',
  module: 'a module-level object: it lives as long as the process',
  imported: 'imported from another module: a shared instance that outlives this call',
  endless: 'a source that never completes',
  injected: 'handed in from outside: whoever made the object owns it, and it can outlive the object that listens to it',
  connection: "the connection under a request: with keep-alive one socket carries request after request, so a listener added per request stays on it until the client disconnects",
  found: 'an existing object found by a lookup (a DOM query), not made here: it may outlive the listener\'s owner, unless it is that owner\'s own element (not seen)',
};

export const listenerNeverRemoved: Rule = {
  meta: {
    id: 'listener-never-removed',
    summary: 'A listener or subscription added per operation or per instance to a longer-lived emitter or observable, and never removed.',
    kinds: KINDS,
    defaultPriority: 'P0',
    precision: 'high',
    tags: ['leak', 'listener', 'subscription', 'memory'],
    messages: {
      perOperation: '`{api}` in `{symbol}()` adds a listener to `{source}` on every call and never removes it',
      perInstance: '`{api}` in `{symbol}()` adds a listener to `{source}` for every instance, and no teardown removes it',
      setup: '`{api}` for `{event}` in `{symbol}()` adds a listener to `{source}` that nothing removes; how often `{symbol}()` runs is not known',
      perIteration: '`{api}` in `{symbol}()` adds a listener to `{source}` on every iteration of a loop, and none is removed',
    },
  },
  check(ctx) {
    for (const ref of ctx.project.acquisitions) {
      const a = ref.acquisition;
      if (!(KINDS as readonly string[]).includes(a.kind) || isTestCode(ref)) continue;
      const model = ctx.project.models.get(a.modelId);
      if (!model || model.role !== 'acquire' || model.dropReleases || !a.source) continue;
      const line = a.site.startLine;
      const path = ref.file.path;
      const fate = a.handle;
      const handleType = model.handle ?? a.kind;
      if (fate.kind === 'released-locally' || fate.kind === 'scoped' || fate.kind === 'awaited' || fate.kind === 'returned') continue;
      if (fate.kind === 'passed') {
        ctx.note({ counter: 'handle handed on', path, line, detail: describeFate(fate, handleType) });
        continue;
      }
      // `services.osm.on('loaded', f)` where a file rebinds a dispatcher declaring `loaded` onto its
      // objects (d3's `utilRebind(this, dispatch, 'on')`): that `on` replaces the type's callback.
      const keyed = a.source.rebindableType;
      if (keyed !== undefined && reboundTypes(ctx.project).has(keyed)) {
        ctx.note({ counter: 'callback replaced, not added', path, line, detail: `${a.api}: \`${keyed}\` is a type of a dispatcher whose \`on\` the project rebinds (${reboundTypes(ctx.project).get(keyed)}); that \`on\` keeps one callback per type and name` });
        continue;
      }
      const related: { path: string; line: number; message: string }[] = [];
      let teardownNote: string | undefined;
      if (fate.kind === 'field') {
        // A removal for another event (`off('exit', h)` for a 'close' listener), or one the frontend found
        // unable to remove this listener (a fresh function), does not count.
        const broken = new Set((a.brokenRemovals ?? []).map((b) => b.line));
        const releases = releasesOfField(ctx.project, fate.ownerType, fate.field, model.releases).filter(
          (r) => (r.event === undefined || a.source?.event === undefined || r.event === a.source.event) && !(r.path === path && broken.has(r.site.startLine)),
        );
        if (releases.length > 0) {
          ctx.note({ counter: 'removed in teardown', path, line, detail: `${a.api}: removed by ${releases[0]!.fn.name}()` });
          continue;
        }
        // The owner closes the emitter itself (`this.socket.close()`): its listeners go with it.
        const closed = (ctx.project.fieldReleases.get(`${fate.ownerType}.${fate.field}`) ?? []).filter((r) => !model.releases.includes(r.api));
        if (closed.length > 0 && !a.brokenRemovals) {
          ctx.note({ counter: 'emitter closed by its owner', path, line, detail: `${a.api}: \`${fate.field}.${closed[0]!.api}()\` in ${closed[0]!.fn.name}()` });
          continue;
        }
        const teardown = ctx.project.owners.get(fate.ownerType)?.methods.filter((m) => m.teardown) ?? [];
        if (teardown.length > 0) {
          teardownNote = `\`${fate.ownerType}\` has ${teardown.map((m) => `\`${m.name}\``).join(', ')}, but none calls ${model.releases.map((r) => `\`${r}\``).join('/')} for it`;
          for (const m of teardown) related.push({ path: m.path, line: m.site.startLine, message: `teardown \`${fate.ownerType}::${m.name}\` does not remove it` });
        }
      }
      // A wrapper that closes the emitter it was handed (`this.raw.quit()` in its `disconnect()`):
      // the emitter does not outlive the wrapper, and its listeners end with it.
      const wrapped = a.source.lifetime === 'injected' && a.fn.ownerType ? closedByOwner(ctx.project, a.fn.ownerType, a.source.text, model.releases) : undefined;
      if (wrapped) {
        ctx.note({ counter: 'emitter closed by its owner', path, line, detail: `${a.api}: \`${wrapped.field}.${wrapped.api}()\` in ${wrapped.fn}()` });
        continue;
      }
      // `io.on('connection', (socket) => new Session(socket))`, `constructor(socket) { socket.on(..) }`:
      // every construction hands in an emitter new on each event, so each emitter gets one listener.
      const param = a.source.parameter;
      /** An adapter over the emitter its constructor is handed, constructed nowhere in the files read. */
      let unseenConstruction = false;
      /** The constructions seen, when none shows an emitter shared by many instances. */
      let handedByMaker: CallFact[] | undefined;
      if (param !== undefined && a.fn.name === 'constructor' && a.fn.ownerType) {
        const made = constructionsOf(ctx.project, a.fn.ownerType, path);
        if (made.length > 0 && made.every((c) => c.freshArguments?.includes(param))) {
          ctx.note({ counter: 'emitter made per construction', path, line, detail: `${a.api}: every \`new ${a.fn.ownerType}(..)\` passes an emitter new on that run (an event's own, or one made right there)` });
          continue;
        }
        // Whether instances share one emitter (a leak) or each wraps its own (a reader per port,
        // the usual contract of an adapter) is up to constructions that cannot be seen.
        unseenConstruction = made.length === 0;
        // `new AddressManager(components)` in the constructor of the node that owns `components`: every
        // construction hands in its caller's own value. Only one made per operation from a value shared
        // beyond that run (module-level, global, a long-lived field) shows instances piling up on one emitter.
        if (!unseenConstruction && !perOperationCalls(ctx.project, { name: 'constructor', ownerType: a.fn.ownerType }, path).some((c) => c.sharedArguments?.includes(param))) {
          handedByMaker = made;
        }
      }
      // `Composer.on(filter, ..fns)`: a static method of a project class named like a listener
      // method builds something; the class itself is no emitter.
      const method = a.api.slice(a.api.lastIndexOf('.') + 1);
      if (/^[\w$]+$/.test(a.source.text) && ctx.project.owners.get(a.source.text)?.methods.some((m) => m.name === method)) {
        ctx.note({ counter: 'static method of a class', path, line, detail: `${a.api}: \`${a.source.text}\` is a class of this project, \`${method}\` its own method` });
        continue;
      }
      // `this.addEventListener(doc, 'destroy', h)` where the owner declares `addEventListener` itself: a call
      // into the project's own registry, not the emitter API; what that method adds, and where it is
      // removed, is judged in it. Information only: the method may still hand the handler to an emitter.
      const ownMethod = a.source.text === 'this' && a.fn.ownerType ? ctx.project.owners.get(a.fn.ownerType)?.methods.find((m) => m.name === method) : undefined;
      // `signal.addEventListener('abort', ..)` on the AbortSignal a caller hands in: shared by many calls,
      // or a request's own? Not seen in the function.
      const callerSignal = a.source.event === 'abort' && /(^|\.)(signal|abortSignal|\w*Signal)$/.test(a.source.text) && (a.source.lifetime === 'parameter' || a.source.lifetime === 'unknown');
      const frequency = howOften(a, ctx.project, path);
      const special: ReturnType<typeof selfOrRace> = callerSignal ? { kind: 'generic' } : selfOrRace(a, frequency, OUTLIVES[a.source.lifetime]);
      if (special.kind === 'skip') {
        ctx.note({ counter: special.counter, path, line, detail: special.detail });
        continue;
      }
      const lifetime = callerSignal
        ? "the caller's AbortSignal: whether the caller shares one signal across calls (each adding a listener) or makes one per call (a request's own) is not seen in this function"
        : special.kind === 'report'
          ? special.lifetime
          : OUTLIVES[a.source.lifetime];
      if (!lifetime) {
        ctx.note({ counter: 'short-lived source', path, line, detail: `${a.api}: \`${a.source.text}\` is ${a.source.lifetime}, it dies with its listener` });
        continue;
      }
      if (frequency === 'once') {
        // Once per process, but inside a loop: one more listener on the same long-lived emitter per iteration.
        const sameEmitter = a.source.lifetime === 'global' || a.source.lifetime === 'module' || a.source.lifetime === 'imported';
        if (a.inLoop && sameEmitter && !a.oneShot && !model.oneShot && a.handle.kind !== 'field') {
          const symbol = symbolOf(a);
          const event = a.source.event !== undefined ? ` for \`${a.source.event}\`` : '';
          ctx.report({
            ruleId: 'listener-never-removed',
            messageId: 'perIteration',
            ...acquisitionSite(ref),
            priority: 'P2',
            confidence: 'low',
            message: `\`${a.api}\`${event} in \`${symbol}()\` adds a listener to \`${a.source.text}\` on every iteration of a loop, and none is removed`,
            evidence: [
              `\`${a.source.text}\` is ${lifetime}`,
              `\`${symbol}()\` runs once, but the call sits in a loop: each iteration adds one more listener${event} to the same \`${a.source.text}\` (Node warns past 10 listeners for one event)`,
              `nothing calls ${model.releases.map((r) => `\`${r}\``).join('/')} for it`,
              'how many iterations the loop runs is not known: information',
            ],
            growth: `+1 listener per loop iteration, for as long as \`${a.source.text}\` lives`,
            impact: model.cost?.summary ?? 'one listener and everything its callback closes over',
            remediation: 'Add one listener before the loop that handles every item (collect what it needs in an array), or remove each in its turn.',
            related: [],
          });
          continue;
        }
        ctx.note({ counter: 'once per process', path, line, detail: `${a.api} in ${symbolOf(a)}` });
        continue;
      }
      const symbol = symbolOf(a);
      const unit = a.kind === 'subscription' ? 'subscription' : 'listener';
      const event = a.source.event !== undefined ? ` for \`${a.source.event}\`` : '';
      // "Per operation" is inferred from what the function is not (a constructor, a hook, a start-up
      // function); what the project shows of its callers qualifies it.
      const { callers, above } = frequency === 'per-operation' ? callersSeen(ctx.project, a, path) : { callers: 'known' as const, above: undefined };
      // A signal or exit handler on a process-wide object, in a function whose callers cannot be seen:
      // such handlers are added once at start-up far more often than per operation.
      const setupEvent = a.source.lifetime === 'global' && (!!model.setupHook || (a.source.event !== undefined && !!model.setupEvents?.includes(a.source.event)));
      const setup = callers !== 'known' && setupEvent;
      // Its callers are seen, but none on a path from a request or event handler: "per operation" here
      // only means "not shown to run once", which for a start-up hook is too little to claim P0.
      const setupWithCallers = callers === 'known' && setupEvent && frequency === 'per-operation' && !a.inLoop && !perEventCall(ctx.project, a.fn, path);
      // A one-shot listener that loses a race never fires: it is no longer a one-shot.
      const oneShot = (model.oneShot || a.oneShot) && a.raceWith === undefined;
      const evidence = [
        `\`${a.source.text}\` is ${lifetime}`,
        setup
          ? `nothing in this project shows how often \`${symbol}()\` runs (${callers === 'none' ? 'no call to it' : callers === 'referenced' ? 'it is handed over as a value, not called by name' : above ? 'the code that calls it is called through receivers of unknown type' : 'it is called through a receiver of unknown type'}); \`${a.source.event}\` handlers are usually added once, while the program starts, but each call adds one more`
          : frequency === 'per-operation'
            ? `\`${symbol}()\` runs per operation: every call adds one more ${unit}${event}`
            : `\`${symbol}()\` runs for every \`${a.fn.ownerType}\` instance: each adds one more ${unit}${event}, and the instance cannot be collected while \`${a.source.text}\` holds it`,
        fate.kind === 'field'
          ? (teardownNote ?? `${ownerLabel(fate.ownerType)} has no teardown method that calls ${model.releases.map((r) => `\`${r}\``).join('/')} for it`)
          : `nothing calls ${model.releases.map((r) => `\`${r}\``).join('/')} for it${fate.kind === 'discarded' || fate.kind === 'local' ? '' : ` (${describeFate(fate, handleType)})`}`,
      ];
      if (!setup && callers !== 'known') {
        evidence.push(callers === 'referenced' ? (referencedEvidence(ctx.project, a, path) ?? unseenCallers(symbol, 'none')) : above ? unknowableAboveEvidence(ctx.project, a, above) : unseenCallers(symbol, callers));
      }
      if (oneShot) evidence.push('it removes itself after the first event: it leaks only while that event never comes');
      if (handedByMaker) {
        const makers = [...new Set(handedByMaker.map((c) => `\`${c.callerOwner ? `${c.callerOwner}.` : ''}${c.caller}()\` (${ctx.project.fileOfCall.get(c) ?? 'a file read'})`))];
        evidence.push(
          `every \`new ${a.fn.ownerType}(..)\` found hands in a value of its caller (${makers.slice(0, 3).join(', ')}${makers.length > 3 ? ', ..' : ''}), none a module-level, global or long-lived one from a function that runs per operation: whether \`${a.source.text}\` outlives each \`${a.fn.ownerType}\` is not seen in the files read`,
        );
      }
      if (unseenConstruction) {
        evidence.push(`no \`new ${a.fn.ownerType}(..)\` was found in the files read: whether instances share one \`${a.source.text}\` or each wraps its own (one listener per emitter) is not known`);
      }
      const proven = {
        // A caller's signal is as often a request's own (one listener per signal) as a shared one: information.
        priority: oneShot || setup || unseenConstruction || handedByMaker || callerSignal || ownMethod || a.source.lifetime === 'found' ? ('P2' as const) : frequency === 'per-operation' ? ('P0' as const) : ('P1' as const),
        confidence: oneShot || setup || unseenConstruction || handedByMaker || callerSignal || ownMethod || a.source.lifetime === 'found' ? ('low' as const) : a.source.lifetime === 'injected' ? ('medium' as const) : ('high' as const),
      };
      if (ownMethod) evidence.push(`\`${method}\` is \`${a.fn.ownerType}\`'s own method (${ownMethod.path}:${ownMethod.site.startLine}), not an emitter's: what it registers, and where that is removed, is read in it; reported as information`);
      if (setupWithCallers) {
        evidence.push(`${a.source.event !== undefined ? `\`${a.source.event}\` handlers` : `${handleType}s`} are usually added once, while the program starts: \`${symbol}()\` is called in the files read, but neither shown to run only once nor per request, so at most P1`);
        if (proven.priority === 'P0') Object.assign(proven, { priority: 'P1', confidence: 'medium' });
      }
      // One per instance grows only while instances keep being made.
      const few = frequency === 'per-instance' && proven.priority !== 'P2' && (a.fn.isConstructor || a.fn.isSetup || calledOnlyFromSetup(ctx.project, a.fn, path)) ? fewInstances(ctx.project, a.fn.ownerType, path, ref.file.language) : undefined;
      if (few) {
        evidence.push(few);
        Object.assign(proven, { priority: 'P2', confidence: 'low' });
      }
      if (a.guardedOnce?.perKey && !a.inLoop) {
        evidence.push(processGuardEvidence(a.guardedOnce, unit));
        Object.assign(proven, { priority: 'P2', confidence: 'low' });
      }
      // The socket under a request goes when its client disconnects: it gathers the listeners of the requests one connection carries.
      if (a.source.lifetime === 'connection' && proven.priority === 'P0') {
        evidence.push(`they go when the connection closes: the growth is the number of requests one keep-alive connection carries, so at most P1`);
        Object.assign(proven, { priority: 'P1', confidence: 'medium' });
      }
      if (special.kind === 'generic' && special.evidence) evidence.push(...special.evidence);
      if (special.kind === 'report') {
        evidence.push(...special.evidence);
        if (special.cap === 'P2') Object.assign(proven, { priority: 'P2', confidence: 'low' });
        else if (proven.priority === 'P0') Object.assign(proven, { priority: 'P1', confidence: 'medium' });
      }
      // A model whose findings stop at a priority (`on<Event>(handler)` known only by its name): its reason is model data.
      if (model.maxPriority && comparePriority(proven.priority, model.maxPriority) < 0) {
        Object.assign(proven, { priority: model.maxPriority, confidence: 'low' });
        evidence.push(`\`${method}\`: ${model.maxPriorityReason ?? `the model reports it at ${model.maxPriority} at most`}`);
      }
      const { priority, confidence } = callers === 'known' ? proven : cappedByUnseen(proven.priority, proven.confidence);
      ctx.report({
        ruleId: 'listener-never-removed',
        messageId: setup ? 'setup' : frequency === 'per-operation' ? 'perOperation' : 'perInstance',
        kind: a.kind,
        language: ref.file.language,
        priority,
        confidence,
        location: locationOf(ref),
        symbol,
        api: a.api,
        snippet: a.snippet,
        message: setup
          ? `\`${a.api}\`${event} in \`${symbol}()\` adds a ${unit} to \`${a.source.text}\` that nothing removes; how often \`${symbol}()\` runs is not known`
          : frequency === 'per-operation'
            ? `\`${a.api}\`${event} in \`${symbol}()\` adds a ${unit} to \`${a.source.text}\` on every call and never removes it`
            : `\`${a.api}\`${event} in \`${symbol}()\` adds a ${unit} to \`${a.source.text}\` for every instance, and no teardown removes it`,
        evidence,
        growth:
          frequency === 'per-operation'
            ? `${a.inLoop ? `+1 ${unit} per loop iteration` : `+1 ${unit}`} per call of \`${symbol}()\`, never reclaimed while \`${a.source.text}\` lives`
            : `+1 ${unit} per \`${a.fn.ownerType}\` instance, each pinning its instance`,
        impact: model.cost?.summary ?? `one ${unit} and everything its callback closes over`,
        remediation: model.remediation ?? `Remove the ${unit} when its owner goes away (${model.releases.join('/')}).`,
        related,
      });
    }
  },
};

/**
 * The owner's close of the emitter a listener was added to, when the emitter is one of its
 * fields (`this.raw`, or the parameter property `raw`) and a method of the owner ends it
 * with something other than a listener removal (`quit`, `destroy`, `close`).
 */
function closedByOwner(project: Project, owner: string, source: string, listenerReleases: readonly string[]): { field: string; api: string; fn: string } | undefined {
  const field = source.replace(/^this\./, '');
  if (!/^[\w$#]+$/.test(field)) return undefined;
  if (field === source && !project.owners.get(owner)?.fields.some((f) => f.name === field)) return undefined;
  const closing = (project.fieldReleases.get(`${owner}.${field}`) ?? []).find((r) => !listenerReleases.includes(r.api));
  return closing ? { field, api: closing.api, fn: closing.fn.name } : undefined;
}

/** Per operation, per instance (constructor, lifecycle hook, effect), or once per process. */
function howOften(a: Acquisition, project: Parameters<typeof startedOnlyFromEntry>[0], path: string): 'per-operation' | 'per-instance' | 'once' {
  if (a.fn.isEntryPoint || a.fn.name === '<module>') return 'once';
  // Only the entry point creates the owner (a singleton store) or calls the function: once.
  if (!a.inLoop && startedOnlyFromEntry(project, a.fn, path)) return 'once';
  // `if (!started) { started = true; .. }`: a module flag lets it run once per process.
  // A keyed flag (`seen[event]`) bounds it by the keys, not the calls: judged as it runs, then capped.
  if (!a.inLoop && a.guardedOnce && !a.guardedOnce.perKey) {
    // A field flag (`this.started`): once per instance, so once when only the entry point makes instances.
    if (!a.guardedOnce.perInstance) return 'once';
    return a.fn.ownerType && startedOnlyFromEntry(project, { name: 'constructor', ownerType: a.fn.ownerType }, path) ? 'once' : 'per-instance';
  }
  // `onAdd(map) { this._initLayout() }`: a helper only the owner's set-up calls runs once per instance.
  if (!a.fn.constructOnce && !(a.fn.ownerType && calledOnlyFromSetup(project, a.fn, path))) return 'per-operation';
  if (!a.fn.ownerType) return 'once';
  // A set-up method of an object the program makes once (`export default new PadUtils()`): one instance, so once.
  if (!a.inLoop && startedOnlyFromEntry(project, { name: 'constructor', ownerType: a.fn.ownerType }, path)) return 'once';
  return 'per-instance';
}

const reboundByProject = new WeakMap<Project, Map<string, string>>();

/** Types of dispatchers whose `on` some file rebinds onto other objects (`FileFacts.reboundListenerTypes`), with that file. */
function reboundTypes(project: Project): Map<string, string> {
  let types = reboundByProject.get(project);
  if (!types) {
    types = new Map();
    for (const f of project.files) for (const t of f.reboundListenerTypes ?? []) if (!types.has(t)) types.set(t, f.path);
    reboundByProject.set(project, types);
  }
  return types;
}
