// Follows the resources created while a leak check runs, with an async_hooks
// hook that exists only for the duration of the check. At creation it keeps a
// structured stack (formatted later, and only for survivors: cheap), and a
// weak reference so it never keeps a resource alive itself.
import { createHook, type AsyncHook } from 'node:async_hooks';
import { isFollowedType, kindOf, type SurvivorKind } from './resource-kinds.js';

export interface TrackedResource {
  asyncId: number;
  triggerAsyncId: number;
  type: string;
  kind: SurvivorKind;
  /** Holds the creation stack; `.stack` is formatted on first read. */
  origin: { stack?: string };
  ref: WeakRef<object>;
  /** The record of the resource that triggered this one, if followed or a parent type. */
  parent?: TrackedResource;
}

/**
 * Requests whose completion creates a followed resource with no user code on
 * the stack (fs.promises.open resolves into a FileHandle from a libuv
 * callback): their creation stack is kept while they live, for attribution.
 */
const PARENT_TYPES = new Set(['FSREQPROMISE']);

const STACK_LIMIT = 50;

let active: ResourceTracker | undefined;

/** True while a leak check's hook is installed (tests use it to prove nothing is left behind). */
export function isTracking(): boolean {
  return active !== undefined;
}

export class ResourceTracker {
  private readonly live = new Map<number, TrackedResource>();
  private readonly parents = new Map<number, TrackedResource>();
  private hook?: AsyncHook;
  private muted = 0;

  start(): void {
    if (active) throw new Error('leakaudit/testing: another leak check is already running in this process; leak checks must not overlap (run them with test.sequential / without --concurrent)');
    active = this;
    this.hook = createHook({
      init: (asyncId, type, triggerAsyncId, resource) => {
        if (this.muted > 0) return;
        const followed = isFollowedType(type);
        if (!followed && !PARENT_TYPES.has(type)) return;
        const origin: { stack?: string } = {};
        const limit = Error.stackTraceLimit;
        Error.stackTraceLimit = STACK_LIMIT;
        Error.captureStackTrace(origin);
        Error.stackTraceLimit = limit;
        const parent = this.live.get(triggerAsyncId) ?? this.parents.get(triggerAsyncId) ?? (type === 'FILEHANDLE' ? this.openingRequest() : undefined);
        const record: TrackedResource = { asyncId, triggerAsyncId, type, kind: kindOf(type, resource), origin, ref: new WeakRef(resource as object), ...(parent ? { parent } : {}) };
        (followed ? this.live : this.parents).set(asyncId, record);
      },
      destroy: (asyncId) => {
        this.live.delete(asyncId);
        this.parents.delete(asyncId);
      },
    });
    this.hook.enable();
  }

  stop(): void {
    this.hook?.disable();
    this.hook = undefined;
    if (active === this) active = undefined;
    this.live.clear();
    this.parents.clear();
  }

  /**
   * A FileHandle is created from native code with no trigger (asyncId 0), in
   * the completion of the fs.promises.open request that is still alive: with
   * one such request that is it; with several, the newest whose stack is an open().
   */
  private openingRequest(): TrackedResource | undefined {
    const pending = [...this.parents.values()].filter((r) => r.type === 'FSREQPROMISE');
    if (pending.length <= 1) return pending[0];
    return pending.reverse().find((r) => /at open \(node:internal\/fs\/promises/.test(r.origin.stack ?? ''));
  }

  /** Run `fn` without following what it creates (the check's own timers). */
  mute<T>(fn: () => T): T {
    this.muted++;
    try {
      return fn();
    } finally {
      this.muted--;
    }
  }

  /** Resources created during the check that are still open. */
  survivors(): TrackedResource[] {
    return [...this.live.values()].filter((r) => isOpen(r));
  }
}

/** Some handles never get a destroy callback when closed (FileHandle): ask the object itself. */
function isOpen(r: TrackedResource): boolean {
  const resource = r.ref.deref() as { fd?: number; _destroyed?: boolean } | undefined;
  if (!resource) return false;
  if (r.type === 'FILEHANDLE') return typeof resource.fd === 'number' && resource.fd >= 0;
  if (r.type === 'Timeout') return resource._destroyed !== true;
  return true;
}

/** Whether a followed resource keeps the event loop alive (an unref'd interval still runs: it is reported, marked). */
export function isRefed(r: TrackedResource): boolean | undefined {
  const resource = r.ref.deref() as { hasRef?: () => boolean } | undefined;
  return typeof resource?.hasRef === 'function' ? resource.hasRef() : undefined;
}
