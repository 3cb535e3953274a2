import { describe, expect, it } from 'vitest';
import { AuditScheduler } from './audit-scheduler.js';
import { evidenceLocation, lineRange } from './diagnostics.js';
import { suppressionComment } from './suppress-action.js';

describe('language server parts', () => {
  it('finds the file and line an evidence step names', () => {
    expect(evidenceLocation('the spawned body calls `processQueue()` (src/worker-loop.ts:2), which loops', 'src/a.ts', 9)).toEqual({ path: 'src/worker-loop.ts', line: 2 });
    expect(evidenceLocation('the body is a `setInterval` every 10 s (line 16) with no exit', 'src/a.ts', 9)).toEqual({ path: 'src/a.ts', line: 16 });
    expect(evidenceLocation('it listens to no cancellation (no token)', 'src/a.ts', 9)).toEqual({ path: 'src/a.ts', line: 9 });
  });

  it('ranges a line from the column (or its first code) to the end of its code', () => {
    const lines = ['fn main() {', '    tokio::spawn(run());   ', '}'];
    expect(lineRange(lines, 2, 5)).toEqual({ start: { line: 1, character: 4 }, end: { line: 1, character: 24 } });
    expect(lineRange(lines, 2)).toEqual({ start: { line: 1, character: 4 }, end: { line: 1, character: 24 } });
    // A file that cannot be read back: the whole line.
    expect(lineRange(undefined, 2, 3)).toEqual({ start: { line: 1, character: 2 }, end: { line: 2, character: 0 } });
  });

  it('writes the suppression comment in the file language, reason left empty', () => {
    expect(suppressionComment('task-unstoppable', 'src/a.rs', '    ')).toBe('    // leakaudit-ignore[task-unstoppable]: \n');
    expect(suppressionComment('task-unstoppable', 'app/main.py', '  ')).toBe('  # leakaudit-ignore[task-unstoppable]: \n');
  });

  it('coalesces requests for a root that arrive during its audit into one more run', async () => {
    const runs: string[] = [];
    let release: () => void = () => undefined;
    const scheduler = new AuditScheduler(async (root) => {
      runs.push(root);
      await new Promise<void>((resolve) => (release = resolve));
    });
    scheduler.request('/a');
    scheduler.request('/a');
    scheduler.request('/a');
    expect(runs).toEqual(['/a']);
    release();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(runs).toEqual(['/a', '/a']);
    const stopped = scheduler.stop();
    scheduler.request('/a');
    release();
    await stopped;
    expect(runs).toEqual(['/a', '/a']);
  });
});
