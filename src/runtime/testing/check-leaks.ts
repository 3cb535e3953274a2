// Run a start/stop cycle N times and report what survived it: timers,
// intervals, sockets, servers, child processes, workers, file handles, raw
// fds, and listeners left on long-lived emitters, each with the user-code
// frame that created it. The async_hooks hook exists only while the check
// runs; the check's own waits are not followed; nothing outlives the check.
import type { EventEmitter } from 'node:events';
import { relative } from 'node:path';
import { ListenerTracker, type WatchedEmitter } from './listener-tracker.js';
import { kindOfActiveType, type SurvivorKind } from './resource-kinds.js';
import { isRefed, ResourceTracker, type TrackedResource } from './resource-tracker.js';
import { firstUserFrame, parseStack, type Frame } from './stack-frames.js';
import { findingAt, loadFindings, type FindingSource, type JsonReportLike, type StaticFinding } from './static-findings.js';
import { newFds, snapshotFds, type OpenFd } from './fd-snapshot.js';

export type Cycle<T = unknown> = (() => unknown) | { start: () => T | Promise<T>; stop: (started: T) => unknown };

export interface LeakCheckOptions {
  /** Checked cycles (default 3). */
  cycles?: number;
  /** Cycles run before checking, so lazily created singletons are not blamed (default 1). */
  warmup?: number;
  /** Longest wait for resources closed asynchronously after the last cycle (default 1000 ms). */
  settleMs?: number;
  /** Long-lived emitters whose listeners must not grow; `process` is always watched. */
  emitters?: Array<EventEmitter | WatchedEmitter>;
  /** Capture creation stacks (default true). false: count resources only, no hook at all. */
  stacks?: boolean;
  /** Also compare the process's fd table (Linux; default true there). */
  fds?: boolean;
  /** List survivors created by dependencies only (no user frame); default false, they are counted. */
  includeThirdParty?: boolean;
  /** Drop survivors the test knows about. */
  ignore?: (survivor: Survivor) => boolean;
  /** A leakaudit JSON report (path or object) to name the static finding at each survivor's line. */
  report?: string | JsonReportLike;
  /** Or: run the static audit on these paths (once per process) for the same purpose. */
  audit?: string | string[];
  /** Paths in messages are relative to this (default process.cwd()). */
  root?: string;
}

export interface Survivor {
  kind: SurvivorKind;
  /** async_hooks type, `listener`, or `fd`. */
  type: string;
  /** How many survivors share this kind, site and detail. */
  count: number;
  /** The user-code frame that created it, when there is one. */
  site?: Frame;
  /** The user frames of the creation stack, innermost first. */
  stack: string[];
  /** `process.on('SIGTERM')`, the fd's path, "unref'd". */
  detail?: string;
  /** The static finding at the site's line, when a report or audit was given. */
  finding?: StaticFinding;
}

export interface LeakReport {
  ok: boolean;
  cycles: number;
  warmup: number;
  survivors: Survivor[];
  /** Survivors created by dependencies only, not listed unless includeThirdParty. */
  thirdParty: number;
  /** process.getActiveResourcesInfo() counts after minus before (ref'd resources only). */
  activeDelta: Record<string, number>;
  durationMs: number;
  root: string;
}

let running = false;

export async function checkLeaks<T>(cycle: Cycle<T>, options: LeakCheckOptions = {}): Promise<LeakReport> {
  // Claimed before the first await: two checks in one process would blame each other's resources.
  if (running) throw new Error('leakaudit/testing: another leak check is already running in this process; leak checks must not overlap (run them with test.sequential / without --concurrent)');
  running = true;
  try {
    return await runCheck(cycle, options);
  } finally {
    running = false;
  }
}

async function runCheck<T>(cycle: Cycle<T>, options: LeakCheckOptions): Promise<LeakReport> {
  const started = performance.now();
  const cycles = options.cycles ?? 3;
  const warmup = options.warmup ?? 1;
  const stacks = options.stacks ?? true;
  const useFds = options.fds ?? process.platform === 'linux';
  const root = options.root ?? process.cwd();
  if (!Number.isInteger(cycles) || cycles < 1) throw new Error(`leakaudit/testing: cycles must be a whole number ≥ 1 (got ${cycles})`);
  // Loaded before anything is followed: reading a report or running the audit opens files and loads modules.
  const findings = options.report !== undefined ? await loadFindings({ report: options.report }) : options.audit !== undefined ? await loadFindings({ audit: options.audit } as FindingSource) : undefined;

  for (let i = 0; i < warmup; i++) await runCycle(cycle);

  const emitters: WatchedEmitter[] = [{ emitter: process, name: 'process' }, ...(options.emitters ?? []).map(toWatched)];
  const listeners = new ListenerTracker(emitters);
  const tracker = stacks ? new ResourceTracker() : undefined;
  const activeBefore = countActive();
  const fdsBefore = useFds ? await snapshotFds() : undefined;
  let survivors: Survivor[];
  let thirdParty: number;
  let activeDelta: Record<string, number>;
  tracker?.start();
  try {
    listeners.start(stacks);
    for (let i = 0; i < cycles; i++) await runCycle(cycle);
    let found = await collect(tracker, listeners, fdsBefore, root);
    const settleBy = performance.now() + (options.settleMs ?? 1000);
    for (let wait = 5; found.survivors.length + found.thirdParty > 0 && performance.now() < settleBy; wait = Math.min(wait * 2, 100)) {
      await pause(tracker, Math.min(wait, Math.max(1, settleBy - performance.now())));
      found = await collect(tracker, listeners, fdsBefore, root);
    }
    ({ survivors, thirdParty } = found);
    activeDelta = diffCounts(activeBefore, countActive());
  } finally {
    listeners.stop();
    tracker?.stop();
  }
  if (!stacks) survivors = fromActiveDelta(activeDelta);
  if (options.ignore) survivors = survivors.filter((s) => !options.ignore!(s));
  if (!options.includeThirdParty) survivors = survivors.filter((s) => s.site || s.kind === 'fd' || !stacks);
  else thirdParty = 0;
  if (findings) {
    for (const s of survivors) {
      const finding = s.site ? findingAt(findings, s.site.file, s.site.line) : undefined;
      if (finding) s.finding = finding;
    }
  }
  return { ok: survivors.length === 0, cycles, warmup, survivors, thirdParty, activeDelta, durationMs: performance.now() - started, root };
}

async function runCycle<T>(cycle: Cycle<T>): Promise<void> {
  if (typeof cycle === 'function') {
    await cycle();
    return;
  }
  const started = await cycle.start();
  await cycle.stop(started);
}

function toWatched(e: EventEmitter | WatchedEmitter): WatchedEmitter {
  if ('emitter' in e && 'name' in e && typeof (e as WatchedEmitter).emitter.on === 'function') return e as WatchedEmitter;
  const emitter = e as EventEmitter;
  return { emitter, name: emitter.constructor?.name ?? 'emitter' };
}

/** Give asynchronous closes a chance to finish, with a timer the check does not follow. */
function pause(tracker: ResourceTracker | undefined, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const arm = (): void => void setTimeout(resolve, ms);
    if (tracker) tracker.mute(arm);
    else arm();
  });
}

async function collect(
  tracker: ResourceTracker | undefined,
  listeners: ListenerTracker,
  fdsBefore: Map<number, OpenFd> | undefined,
  root: string,
): Promise<{ survivors: Survivor[]; thirdParty: number }> {
  const raw: Survivor[] = [];
  let thirdParty = 0;
  const resources = tracker?.survivors() ?? [];
  for (const r of resources) {
    const site = siteOf(r, root);
    if (!site.frame) thirdParty++;
    const refed = isRefed(r);
    raw.push({ kind: r.kind, type: r.type, count: 1, ...(site.frame ? { site: site.frame } : {}), stack: site.stack, ...(refed === false ? { detail: "unref'd" } : {}) });
  }
  for (const l of listeners.survivors()) {
    const frames = l.origin?.stack ? parseStack(l.origin.stack) : [];
    const frame = firstUserFrame(frames);
    if (l.origin && !frame) thirdParty++;
    raw.push({ kind: 'listener', type: 'listener', count: 1, ...(frame ? { site: frame } : {}), stack: userStack(frames, root), detail: `${l.emitter}.on(${describeEvent(l.event)})` });
  }
  if (fdsBefore) {
    const handleFds = new Set(resources.map((r) => (r.ref.deref() as { fd?: number } | undefined)?.fd).filter((fd): fd is number => typeof fd === 'number'));
    for (const fd of newFds(fdsBefore, await snapshotFds())) {
      if (handleFds.has(fd.fd)) continue;
      raw.push({ kind: 'fd', type: 'fd', count: 1, stack: [], detail: `fd ${fd.fd} → ${fd.target} (${fd.cls})` });
    }
  }
  return { survivors: group(raw), thirdParty };
}

function siteOf(r: TrackedResource, root: string): { frame?: Frame; stack: string[] } {
  // Resources Node creates on behalf of a user resource (a server's accepted sockets, an opened FileHandle) inherit its site.
  for (let current: TrackedResource | undefined = r, depth = 0; current && depth < 10; current = current.parent, depth++) {
    const frames = current.origin.stack ? parseStack(current.origin.stack) : [];
    const frame = firstUserFrame(frames);
    if (frame) return { frame, stack: userStack(frames, root) };
  }
  return { stack: [] };
}

function userStack(frames: readonly Frame[], root: string): string[] {
  return frames.filter((f) => firstUserFrame([f])).slice(0, 6).map((f) => `${f.fn ? `${f.fn} ` : ''}${relative(root, f.file)}:${f.line}:${f.column}`);
}

function describeEvent(event: string | symbol): string {
  return typeof event === 'symbol' ? event.toString() : `'${event}'`;
}

function group(raw: readonly Survivor[]): Survivor[] {
  const groups = new Map<string, Survivor>();
  for (const s of raw) {
    const key = [s.kind, s.type, s.site ? `${s.site.file}:${s.site.line}:${s.site.column}` : '', s.kind === 'fd' ? (s.detail ?? '').replace(/^fd \d+ /, '') : (s.detail ?? '')].join('|');
    const existing = groups.get(key);
    if (existing) existing.count++;
    else groups.set(key, { ...s, ...(s.kind === 'fd' && s.detail ? { detail: s.detail.replace(/^fd \d+ → /, '') } : {}) });
  }
  return [...groups.values()].sort((a, b) => b.count - a.count);
}

function countActive(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const type of process.getActiveResourcesInfo()) counts[type] = (counts[type] ?? 0) + 1;
  return counts;
}

function diffCounts(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  const delta: Record<string, number> = {};
  for (const type of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const d = (after[type] ?? 0) - (before[type] ?? 0);
    if (d !== 0) delta[type] = d;
  }
  return delta;
}

/** Without stacks: one survivor per resource type whose count grew. */
function fromActiveDelta(delta: Record<string, number>): Survivor[] {
  return Object.entries(delta)
    .filter(([type, d]) => d > 0 && kindOfActiveType(type))
    .map(([type, d]) => ({ kind: kindOfActiveType(type)!, type, count: d, stack: [], detail: 'counted only (stacks: false)' }));
}
