// leakaudit/testing: prove in a test that a start/stop cycle releases what it
// acquired. Works with Vitest, node:test and Jest (a failed check throws).
//
//   await assertNoLeaks({ start: () => startServer(), stop: (s) => s.close() }, { cycles: 5 });
import { checkLeaks, type Cycle, type LeakCheckOptions, type LeakReport } from './check-leaks.js';
import { formatLeakReport } from './format-report.js';

export { checkLeaks, formatLeakReport };
export type { Cycle, LeakCheckOptions, LeakReport, Survivor } from './check-leaks.js';
export type { SurvivorKind } from './resource-kinds.js';
export type { StaticFinding, JsonReportLike } from './static-findings.js';
export type { WatchedEmitter } from './listener-tracker.js';

/** Thrown by assertNoLeaks; `report` holds the survivors. */
export class LeakError extends Error {
  override readonly name = 'LeakError';

  constructor(readonly report: LeakReport) {
    super(formatLeakReport(report));
  }
}

/** Run the cycle and throw a LeakError listing every survivor, or return the (clean) report. */
export async function assertNoLeaks<T>(cycle: Cycle<T>, options?: LeakCheckOptions): Promise<LeakReport> {
  const report = await checkLeaks(cycle, options);
  if (!report.ok) throw new LeakError(report);
  return report;
}
