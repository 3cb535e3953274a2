// Listeners added to long-lived emitters (`process` and any the test names)
// during a check and still there after it. Their creation stack comes from the
// emitter's own 'newListener' event, which fires inside the .on() call.
import type { EventEmitter } from 'node:events';

export interface WatchedEmitter {
  emitter: EventEmitter;
  name: string;
}

export interface SurvivingListener {
  emitter: string;
  event: string | symbol;
  origin?: { stack?: string };
}

export class ListenerTracker {
  private readonly before = new Map<WatchedEmitter, Map<string | symbol, Set<unknown>>>();
  private readonly origins = new WeakMap<object, { stack?: string }>();
  private readonly hooks = new Map<WatchedEmitter, (event: string | symbol, listener: unknown) => void>();

  constructor(private readonly emitters: readonly WatchedEmitter[]) {}

  start(captureStacks: boolean): void {
    for (const watched of this.emitters) {
      this.before.set(watched, snapshot(watched.emitter));
      if (!captureStacks) continue;
      const hook = (_event: string | symbol, listener: unknown): void => {
        if (typeof listener !== 'function') return;
        const origin: { stack?: string } = {};
        const limit = Error.stackTraceLimit;
        Error.stackTraceLimit = 50;
        Error.captureStackTrace(origin);
        Error.stackTraceLimit = limit;
        this.origins.set(listener, origin);
      };
      this.hooks.set(watched, hook);
      watched.emitter.on('newListener', hook);
    }
  }

  stop(): void {
    for (const [watched, hook] of this.hooks) watched.emitter.off('newListener', hook);
    this.hooks.clear();
  }

  survivors(): SurvivingListener[] {
    const out: SurvivingListener[] = [];
    for (const watched of this.emitters) {
      const before = this.before.get(watched) ?? new Map();
      const ours = this.hooks.get(watched);
      for (const event of watched.emitter.eventNames()) {
        const old = before.get(event) ?? new Set();
        for (const raw of watched.emitter.rawListeners(event)) {
          if (old.has(raw) || raw === ours) continue;
          // once() wraps the listener; the original is on .listener
          const listener = (raw as { listener?: unknown }).listener ?? raw;
          const origin = typeof listener === 'function' ? this.origins.get(listener) : undefined;
          out.push({ emitter: watched.name, event, ...(origin ? { origin } : {}) });
        }
      }
    }
    return out;
  }
}

function snapshot(emitter: EventEmitter): Map<string | symbol, Set<unknown>> {
  const map = new Map<string | symbol, Set<unknown>>();
  for (const event of emitter.eventNames()) map.set(event, new Set(emitter.rawListeners(event)));
  return map;
}
