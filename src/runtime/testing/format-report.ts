// A leak report as the message a failing test prints.
import { relative } from 'node:path';
import type { LeakReport, Survivor } from './check-leaks.js';

const KIND_WORDS: Record<Survivor['kind'], string> = {
  interval: 'interval',
  timer: 'timer',
  socket: 'socket',
  server: 'server',
  'child-process': 'child process',
  worker: 'worker',
  'file-handle': 'file handle',
  watcher: 'file watcher',
  'message-port': 'message port',
  listener: 'listener',
  fd: 'file descriptor',
};

export function formatLeakReport(report: LeakReport): string {
  const cycles = `${report.cycles} start/stop cycle${report.cycles === 1 ? '' : 's'}${report.warmup ? ` (after ${report.warmup} warm-up)` : ''}`;
  if (report.ok) {
    return `leakaudit/testing: nothing survived ${cycles}${report.thirdParty ? `; ${report.thirdParty} resource(s) created by dependencies only were not counted` : ''}`;
  }
  const total = report.survivors.reduce((n, s) => n + s.count, 0);
  const lines = [`leakaudit/testing: ${total} resource${total === 1 ? '' : 's'} survived ${cycles}:`];
  for (const s of report.survivors) {
    const perCycle = s.count % report.cycles === 0 ? ` (${s.count / report.cycles} per cycle)` : '';
    const where = s.site ? ` created at ${relative(report.root, s.site.file)}:${s.site.line}:${s.site.column}${s.site.fn ? ` in ${s.site.fn}` : ''}` : s.kind === 'fd' ? '' : ' (no user frame in its creation stack)';
    const detail = s.detail ? ` ${s.kind === 'listener' ? s.detail : `[${s.detail}]`}` : '';
    lines.push(`  ${KIND_WORDS[s.kind]} ×${s.count}${perCycle}${detail}${where}`);
    if (s.finding) lines.push(`    static finding ${s.finding.ruleId} (${s.finding.priority}, ${s.finding.fingerprint.slice(0, 12)}): ${s.finding.message}`);
    for (const frame of s.stack.slice(1, 4)) lines.push(`      at ${frame}`);
  }
  if (report.thirdParty) lines.push(`  and ${report.thirdParty} created by dependencies only (includeThirdParty: true lists them)`);
  return lines.join('\n');
}
