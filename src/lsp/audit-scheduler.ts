// One audit per root at a time. Saves that arrive while a root is being
// audited coalesce into one more run after it, so a burst of saves costs at
// most two audits and the last one sees the last save.
export class AuditScheduler {
  private readonly active = new Map<string, { again: boolean; done: Promise<void> }>();
  private stopped = false;

  constructor(private readonly run: (root: string) => Promise<void>) {}

  request(root: string): void {
    if (this.stopped) return;
    const current = this.active.get(root);
    if (current) {
      current.again = true;
      return;
    }
    const entry = { again: false, done: Promise.resolve() };
    entry.done = (async () => {
      try {
        do {
          entry.again = false;
          // The runner reports its own failures; one must not stop the next save's audit.
          await this.run(root).catch(() => undefined);
        } while (entry.again && !this.stopped);
      } finally {
        this.active.delete(root);
      }
    })();
    this.active.set(root, entry);
  }

  /** Resolves when the root's audits (running or asked for) are done. */
  async after(root: string): Promise<void> {
    while (this.active.has(root)) await this.active.get(root)!.done.catch(() => undefined);
  }

  /** Resolves when no audit is running. */
  async idle(): Promise<void> {
    while (this.active.size > 0) await Promise.allSettled([...this.active.values()].map((e) => e.done));
  }

  /** No new audits; resolves when the running ones (and their workers) are done. */
  stop(): Promise<void> {
    this.stopped = true;
    return this.idle();
  }
}
