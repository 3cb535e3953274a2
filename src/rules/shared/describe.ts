// Wording shared by rules: periods, handle fates, growth. Language-neutral:
// everything language-specific comes from facts and model data.
import type { Acquisition, HandleFate } from '../../facts/types.js';
import type { FindingLocation } from '../../analysis/finding.js';
import type { AcquisitionRef } from '../../analysis/project.js';
import { symbolOf } from '../../analysis/project.js';

export function formatPeriod(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  if (ms >= 1000) return `${+(ms / 1000).toFixed(3)} s`;
  return `${+ms.toFixed(3)} ms`;
}

/** "360 wake-ups per hour", or per day when less than one an hour. */
export function wakeupRate(ms: number): string {
  const perHour = 3_600_000 / ms;
  const per = perHour >= 1 ? { n: perHour, unit: 'hour' } : { n: perHour * 24, unit: 'day' };
  const n = Number.isInteger(per.n) ? String(per.n) : per.n.toFixed(1);
  return `${n} wake-up${per.n === 1 ? '' : 's'} per ${per.unit}`;
}

export function describeFate(fate: HandleFate, handleType: string): string {
  switch (fate.kind) {
    case 'discarded':
      return `the ${handleType} is ${fate.how.replace(/^result /, '')}`;
    case 'local':
      if (fate.releasedOn) {
        const { emitter, event, api, line } = fate.releasedOn;
        return `the ${handleType} is released (\`${fate.local}.${api}()\`, line ${line}) only in a \`${emitter}\` '${event}' handler: \`${emitter}\` outlives this run, so each run's ${handleType} stays until \`${emitter}\` ends`;
      }
      return `the ${handleType} is kept in local \`${fate.local}\` until the function returns, then dropped`;
    case 'field':
      return `the ${handleType} is stored in \`${fate.ownerType}.${fate.field}\` (line ${fate.line})`;
    case 'released-locally':
      return `the ${handleType} is released with \`${fate.local}.${fate.api}()\` (line ${fate.line})`;
    case 'awaited':
      return `the ${handleType} is awaited/joined${fate.local ? ` (\`${fate.local}\`)` : ''}`;
    case 'returned':
      return `the ${handleType} is returned to the caller`;
    case 'passed':
      return `the ${handleType} is passed to ${fate.to}`;
    case 'scoped':
      return `the ${handleType} is scoped (${fate.how})`;
  }
}

export function growthOf(a: Acquisition, unit: string): string {
  const fn = `\`${symbolOf(a)}()\``;
  if (a.inLoop) return `+1 ${unit} per loop iteration in ${fn}`;
  if (a.fn.isEntryPoint) return `1 ${unit} for the life of the process (started from ${fn})`;
  if (a.fn.name === '<module>') return `1 ${unit} per module load`;
  return `+1 ${unit} per call of ${fn}`;
}

export function locationOf(ref: AcquisitionRef): FindingLocation {
  const s = ref.acquisition.site;
  return { path: ref.file.path, startLine: s.startLine, endLine: s.endLine, startCol: s.startCol };
}

/** What every finding says of the acquisition it is about: its kind, language, place, function, API and snippet. */
export function acquisitionSite(ref: AcquisitionRef): { kind: AcquisitionRef['acquisition']['kind']; language: AcquisitionRef['file']['language']; location: FindingLocation; symbol: string; api: string; snippet: string } {
  const a = ref.acquisition;
  return { kind: a.kind, language: ref.file.language, location: locationOf(ref), symbol: symbolOf(a), api: a.api, snippet: a.snippet };
}

/** Acquisitions in test code are counted, never reported. */
export function isTestCode(ref: AcquisitionRef): boolean {
  return ref.file.isTestFile || ref.acquisition.fn.isTest;
}

/**
 * Evidence for a function none of whose calls could be seen: worded as what leakaudit did
 * not find in the files it read, never as a fact about the project.
 */
export function unseenCallers(symbol: string, callers: 'none' | 'unknowable'): string {
  return callers === 'none'
    ? `no caller of \`${symbol}()\` was found in the files read (it may be public API, a framework hook, or called from a file leakaudit does not read, such as a .vue component): how fast it grows depends on its callers`
    : `\`${symbol}()\` is called only through receivers whose type leakaudit could not tell: how often it runs was not seen`;
}

/**
 * A finding whose priority rests on what was not seen (no caller found, a receiver of unknown
 * type) is not raised by it: at most P1 and at most medium confidence.
 */
export function cappedByUnseen(priority: 'P0' | 'P1' | 'P2', confidence: 'high' | 'medium' | 'low'): { priority: 'P1' | 'P2'; confidence: 'medium' | 'low' } {
  return { priority: priority === 'P2' ? 'P2' : 'P1', confidence: confidence === 'low' ? 'low' : 'medium' };
}

/** How what a run-once guard lets start grows: once per process, or once per key of a map. */
export function guardedGrowth(guard: NonNullable<Acquisition['guardedOnce']>, what: string): string {
  return guard.perKey ? `+1 ${what} per distinct key of \`${guard.flag}\`` : `1 ${what} for the life of the process (guarded by \`${guard.flag}\`)`;
}

/**
 * Why a process-wide run-once guard lets the code under it run once per process: a lazy
 * static's initialiser (`static X: LazyLock<..>`, `CELL.get_or_init(..)` on a static cell), or a
 * flag set on the first run.
 */
export function processGuardEvidence(guard: NonNullable<Acquisition['guardedOnce']>, what: string): string {
  if (guard.perKey) return `\`${guard.flag}\` (line ${guard.line}) lets it start once per distinct key: one ${what} per key, so it grows with the number of keys, not with calls, and nothing shuts them down`;
  return guard.lazyStatic
    ? `it runs in the one-time initialiser of the static \`${guard.flag}\` (line ${guard.line}): one ${what} per process, it does not grow, but nothing can shut it down`
    : `the process-wide \`${guard.flag}\` (line ${guard.line}) lets it start only while it is unset: one ${what} per process, it does not grow, but nothing can shut it down`;
}

/**
 * How evidence names the owner of a field: its type, or, when the frontend could not tell the
 * object `this` is (a method of an object literal it does not read as an owner), says so.
 */
export function ownerLabel(ownerType: string): string {
  return ownerType === 'this' ? 'the object `this` is here (not read as a class or owner, so its teardown could not be looked for)' : `\`${ownerType}\``;
}
