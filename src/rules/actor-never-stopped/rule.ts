// actor-never-stopped: an actor (or worker, child process, server) started with
// no stop / kill / shutdown reachable for its handle.
import { vocabularyOf } from '../../models/index.js';
import type { Rule, RuleContext } from '../types.js';
import type { AcquisitionRef } from '../../analysis/project.js';
import { releasesOfField, releasesOfStored, startedOnlyFromEntry, symbolOf } from '../../analysis/project.js';
import { ownerLabel, describeFate, growthOf, processGuardEvidence, guardedGrowth, isTestCode, acquisitionSite, locationOf } from '../shared/describe.js';
import { fewInstances } from '../shared/instances.js';
import { incompleteRelease } from '../shared/incomplete-release.js';

const KINDS = ['actor', 'worker', 'process', 'server', 'watcher'] as const;

export const actorNeverStopped: Rule = {
  meta: {
    id: 'actor-never-stopped',
    summary: 'An actor, worker, child process, server or watcher that is started and never stopped: no stop/kill/close is reachable for its handle.',
    kinds: KINDS,
    defaultPriority: 'P1',
    precision: 'high',
    tags: ['leak', 'actor', 'worker', 'shutdown'],
    messages: {
      discarded: '`{api}` in `{symbol}()` starts {a kind} whose handle is dropped: nothing can stop it',
      fieldNeverReleased: '`{api}` in `{symbol}()` starts {a kind} kept in `{field}` that no teardown stops',
      fieldHalfReleased: '`{api}` in `{symbol}()` starts {a kind} kept in `{field}` whose release is incomplete',
      overwritten: '`{api}` in `{symbol}()` stores a new object in `{field}` over the last one without closing it, though the owner closes that field elsewhere',
    },
  },
  check(ctx) {
    for (const ref of ctx.project.acquisitions) {
      const a = ref.acquisition;
      if (!(KINDS as readonly string[]).includes(a.kind) || isTestCode(ref)) continue;
      const model = ctx.project.models.get(a.modelId);
      if (!model || model.role !== 'acquire') continue;
      const fate = a.handle;
      const handleType = model.handle ?? 'handle';
      const line = a.site.startLine;
      // Released in the function, unless every release seen leaves the job half done (a kill with no wait).
      if ((fate.kind === 'released-locally' && !fate.incomplete) || fate.kind === 'awaited' || fate.kind === 'scoped') continue;
      if (model.acquire.construct === 'closed-field-object') {
        reportClosedFieldOverwrite(ctx, ref);
        continue;
      }
      if (fate.kind === 'returned' || fate.kind === 'passed') {
        ctx.note({ counter: 'handle handed on', path: ref.file.path, line, detail: describeFate(fate, handleType) });
        continue;
      }
      // Dropping the handle ends it (a pool whose workers exit once it is collected): only a handle kept somewhere can outlive its use.
      // One that ends only if a collection ever reclaims it (`dropReleasesLater`) is information, not a clean drop.
      const dropped = fate.kind === 'discarded' || fate.kind === 'local';
      const reclaimedLater = model.dropReleases && dropped && model.dropReleasesLater !== undefined;
      if (model.dropReleases && dropped && !reclaimedLater) {
        ctx.note({ counter: 'released when dropped', path: ref.file.path, line, detail: `${a.api} in ${symbolOf(a)}: ${describeFate(fate, handleType)}` });
        continue;
      }
      // A process or worker that ends on its own, started once by the entry point, is the program's own work.
      if (model.completion && (a.fn.isEntryPoint || startedOnlyFromEntry(ctx.project, a.fn, ref.file.path))) {
        ctx.note({ counter: 'runs to completion from the entry point', path: ref.file.path, line, detail: `${a.api} in ${symbolOf(a)}` });
        continue;
      }
      // Started once per process (the entry point, module level, or a function only the entry point reaches): it does not grow.
      const startedFrom = a.inLoop ? undefined : a.fn.isEntryPoint ? a.fn.name : startedOnlyFromEntry(ctx.project, a.fn, ref.file.path);
      // `if (!pool) pool = new Pool()`: a lazy singleton, once per process whoever calls the function.
      const flagged = !startedFrom && !a.inLoop ? a.guardedOnce : undefined;
      // The type whose instances hold the flag: the function's own, or a gate's (`if tm.should_start() { .. }`).
      const flagOwner = flagged?.owner ?? a.fn.ownerType;
      // A field guard (`if (!this.io) this.io = new Server(..)`) runs once per instance: once per
      // process only when just the entry point makes instances, else as often as instances are made.
      const madeFrom = flagged?.perInstance && flagOwner ? startedOnlyFromEntry(ctx.project, { name: 'constructor', ownerType: flagOwner }, flagged.owner ? undefined : ref.file.path) : undefined;
      const guarded = flagged && (!flagged.perInstance || madeFrom) ? flagged : undefined;
      const perInstance = flagged?.perInstance && !guarded ? flagged : undefined;
      // A helper's resource, seen at its call: say where it is made.
      const evidence = [...(a.notes ?? []), describeFate(fate, handleType)];
      const related: { path: string; line: number; message: string }[] = [];
      let messageId: 'discarded' | 'fieldNeverReleased' | 'fieldHalfReleased' = 'discarded';
      /** The teardown's release is skipped in the mode the acquisition sets up (see `Release.skippedWhen`). */
      let modeSkipped = false;
      const half = fate.kind === 'field' ? incompleteRelease(ctx.project, model, fate.ownerType, releasesOfStored(ctx.project, fate, model.releases)) : undefined;
      if (fate.kind === 'field' && half) {
        messageId = 'fieldHalfReleased';
        evidence.push(half.gap);
        related.push({ path: half.release.path, line: half.release.site.startLine, message: `\`${half.release.api}()\` here is not enough on its own` });
        if (half.finishedBy) {
          const at = half.finishedBy.call ? ` (called at ${half.finishedBy.call.path}${half.finishedBy.call.line !== undefined ? `:${half.finishedBy.call.line}` : ''})` : '';
          evidence.push(`\`${fate.ownerType}::${half.finishedBy.method}()\` finishes the job and is left to its users, one of whom calls \`${half.finishedBy.after}()\` and then \`${half.finishedBy.method}()\`${at}: whether every user does is not seen, so this is information`);
        }
      } else if (fate.kind === 'field') {
        const releases = releasesOfStored(ctx.project, fate, model.releases);
        // `close() { if (this.noDebug) return; .. kill(this.child) }` for a child made where `this.noDebug = true` was just set.
        const skipping = releases.length > 0 && a.setsFlags ? releases.every((r) => r.skippedWhen && a.setsFlags!.some((f) => f.flag === r.skippedWhen!.flag)) : false;
        if (skipping) {
          const set = a.setsFlags!.find((f) => f.flag === releases[0]!.skippedWhen!.flag)!;
          modeSkipped = true;
          messageId = 'fieldHalfReleased';
          evidence.push(
            `\`${releases[0]!.fn.name}()\` releases it (${releases[0]!.path}:${releases[0]!.site.startLine}), but returns first when \`this.${set.flag}\` is set (line ${releases[0]!.skippedWhen!.line}); \`${symbolOf(a)}()\` sets \`this.${set.flag} = true\` (line ${set.line}) on its way to making it: in that mode the teardown never reaches the release`,
            'whether something resets the flag before the teardown runs is not seen: information',
          );
          related.push({ path: releases[0]!.path, line: releases[0]!.skippedWhen!.line, message: `returns before the release when \`this.${set.flag}\` is set` });
        } else if (releases.length > 0) {
          ctx.note({ counter: 'stopped in teardown', path: ref.file.path, line, detail: `${fate.ownerType}.${fate.field} released by ${releases[0]!.fn.name}()` });
          continue;
        }
        if (!skipping) {
          messageId = 'fieldNeverReleased';
          const owner = ctx.project.owners.get(fate.ownerType);
          const teardown = owner?.methods.filter((m) => m.teardown) ?? [];
          evidence.push(
            teardown.length === 0
              ? `${ownerLabel(fate.ownerType)} has no ${vocabularyOf(ref.file.language).teardown} that calls ${model.releases.map((r) => `\`${r}\``).join('/')} on it`
              : `\`${fate.ownerType}\` has ${teardown.map((m) => `\`${m.name}\``).join(', ')}, but none calls ${model.releases.map((r) => `\`${r}\``).join('/')} on \`${fate.field}\``,
          );
        }
      } else if (fate.kind === 'released-locally' && fate.incomplete) {
        messageId = 'fieldHalfReleased';
        evidence.push(`\`${fate.local}.${fate.api}()\` (line ${fate.line}) ${fate.incomplete}, and nothing else in \`${symbolOf(a)}()\` releases it or hands it on`);
      } else if (reclaimedLater) {
        evidence.push(`nothing calls ${model.releases.map((r) => `\`${r}\``).join('/')} on it: a dropped ${handleType} is stopped ${model.dropReleasesLater}, so this is information`);
      } else if (!(fate.kind === 'local' && fate.releasedOn) && model.handleArgument === undefined) {
        evidence.push(`nothing calls ${model.releases.map((r) => `\`${r}\``).join('/')} on it, and dropping the ${handleType} does not stop it`);
      }
      if (fate.kind === 'field' && fate.collection && !(ctx.project.fieldShrinks.get(`${fate.ownerType}.${fate.field}`) ?? []).length) {
        evidence.push(`it is added to \`${fate.ownerType}.${fate.field}\` (line ${fate.line}), and nothing in the files read removes entries from it, clears or replaces it: one more per call, never let go`);
      }
      if (model.id.endsWith('spawn_linked')) evidence.push('it is linked to a supervisor, which is told when it dies but does not stop it');
      const symbol = symbolOf(a);
      if (guarded && madeFrom) evidence.push(`${guarded.owner ? 'the gate' : 'the field'} \`${guarded.flag}\` (line ${guarded.line}) lets it start once per \`${flagOwner}\`, and only \`${madeFrom}()\` makes one: it does not grow, but nothing stops it on shutdown`);
      else if (guarded) evidence.push(processGuardEvidence(guarded, a.kind));
      if (perInstance) evidence.push(`${perInstance.owner ? 'the gate' : 'the field'} \`${perInstance.flag}\` (line ${perInstance.line}) lets it start at most once per \`${flagOwner}\`: it grows with instances, not with calls of \`${symbolOf(a)}()\``);
      if (startedFrom && !a.fn.isEntryPoint) evidence.push(`\`${symbol}()\` runs only from \`${startedFrom}()\`: one ${a.kind} per process, it does not grow, but nothing stops it on shutdown`);
      // `spawn('sh', ['-c', hook])` with its handle dropped: a command line run to completion, reaped by the
      // runtime when it exits. Only one that never ends would stay, and that is not seen.
      const command = a.shellCommand && model.completion && (fate.kind === 'discarded' || fate.kind === 'local') ? a.shellCommand : undefined;
      if (command) evidence.push(`${command}: such a child is usually a command run to completion, reaped when it exits though its handle is dropped; whether this one ends on its own is not seen, so this is information`);
      // Once per instance of a type whose every construction seen is start-up code: a fixed few.
      const few = !startedFrom && !guarded && !a.inLoop && (a.fn.isConstructor || a.fn.isSetup || (perInstance && !perInstance.owner)) ? fewInstances(ctx.project, a.fn.ownerType, ref.file.path, ref.file.language) : undefined;
      if (few) evidence.push(few);
      const what = a.kind === 'actor' ? 'an actor' : `a ${a.kind}`;
      ctx.report({
        ruleId: 'actor-never-stopped',
        messageId,
        ...acquisitionSite(ref),
        priority: startedFrom || guarded || few || modeSkipped || model.id.endsWith('spawn_linked') || half?.finishedBy || command || reclaimedLater ? 'P2' : 'P1',
        confidence: command ? 'low' : fate.kind === 'discarded' && !reclaimedLater ? 'high' : 'medium',
        message:
          modeSkipped && fate.kind === 'field'
            ? `\`${a.api}\` in \`${symbol}()\` starts ${what} kept in \`${fate.ownerType}.${fate.field}\` in a mode its teardown returns early for, before releasing it`
            : fate.kind === 'released-locally' && fate.incomplete
            ? `\`${a.api}\` in \`${symbol}()\` starts ${what} whose only release, \`${fate.local}.${fate.api}()\`, does not finish the job`
            : messageId === 'fieldHalfReleased' && fate.kind === 'field'
            ? `\`${a.api}\` in \`${symbol}()\` starts ${what} kept in \`${fate.ownerType}.${fate.field}\` whose release is incomplete: ${half?.gap ?? ''}`
            : messageId === 'fieldNeverReleased' && fate.kind === 'field'
            ? `\`${a.api}\` in \`${symbol}()\` starts ${what} kept in \`${fate.ownerType}.${fate.field}\` that no teardown stops`
            : fate.kind === 'local' && fate.releasedOn
              ? `\`${a.api}\` in \`${symbol}()\` starts ${what} on every event, stopped only when \`${fate.releasedOn.emitter}\` emits '${fate.releasedOn.event}'`
              : reclaimedLater
                ? `\`${a.api}\` in \`${symbol}()\` starts ${what} whose ${handleType} is dropped unclosed: it stops only if it is ever reclaimed`
                : model.handleArgument !== undefined
                  ? `\`${a.api}\` in \`${symbol}()\` starts ${what} that nothing stops: no ${model.releases.map((r) => `\`${r}\``).join('/')} is called on its ${handleType}`
                  : `\`${a.api}\` in \`${symbol}()\` starts ${what} whose ${handleType} is dropped: nothing can stop it`,
        evidence,
        growth: guarded ? guardedGrowth(guarded, a.kind) : perInstance ? `+1 ${a.kind} per \`${flagOwner}\` instance (guarded by \`${perInstance.flag}\`)` : startedFrom && !a.fn.isEntryPoint ? `1 ${a.kind} for the life of the process (started from \`${startedFrom}()\` via \`${symbol}()\`)` : growthOf(a, a.kind),
        impact: model.cost?.summary ?? `one ${a.kind} per start, alive until the process exits`,
        remediation: model.remediation ?? `Keep the ${handleType} and call ${model.releases.join('/') || 'its stop method'} on shutdown.`,
        related,
        ...(startedFrom && !model.id.endsWith('spawn_linked') ? { lifetime: 'process' as const } : {}),
      });
    }
  },
};

/**
 * An object of a class no model knows, stored over a field its owner closes elsewhere, by a
 * function that neither closes nor reads the one there first: that one is never closed. The
 * owner's own close call is the only evidence it is a resource, so this is information (P2).
 */
function reportClosedFieldOverwrite(ctx: RuleContext, ref: AcquisitionRef): void {
  const a = ref.acquisition;
  const fate = a.handle;
  // Once per object (a start-up method, a lifecycle hook paired with the teardown that closes it): no repeated overwrite is seen.
  if (fate.kind !== 'field' || a.fn.isConstructor || a.fn.constructOnce) return;
  const closers = ctx.project.fieldReleases.get(`${fate.ownerType}.${fate.field}`) ?? [];
  const closer = closers[0];
  if (!closer) return;
  const symbol = symbolOf(a);
  ctx.report({
    ruleId: 'actor-never-stopped',
    messageId: 'overwritten',
    ...acquisitionSite(ref),
    priority: 'P2',
    confidence: 'low',
    message: `\`${a.api}\` in \`${symbol}()\` stores a new object in \`${fate.ownerType}.${fate.field}\` over the last one without \`${closer.api}()\`-ing it, though \`${closer.fn.name}()\` closes that field`,
    evidence: [
      `\`${closer.fn.name}()\` calls \`${fate.field}.${closer.api}()\` (${closer.path}:${closer.site.startLine}): the owner treats what the field holds as something to close`,
      `\`${symbol}()\` assigns \`${fate.field}\` (line ${fate.line}) without closing, testing or reading it first: an object still there is detached and never closed`,
      `no model knows \`${a.api}\`: what it holds open (a process, a connection) is not seen, so this is information`,
    ],
    growth: `+1 unclosed object per call of \`${symbol}()\` while one is in \`${fate.field}\``,
    impact: 'whatever the detached object holds open, until the process exits',
    remediation: `Close the one already there first (\`this.${fate.field}?.${closer.api}()\`), or return early when \`this.${fate.field}\` is set.`,
    related: [{ path: closer.path, line: closer.site.startLine, message: `\`${fate.field}.${closer.api}()\` here` }],
  });
}
