// The reference example is the seed audit's service rebuilt in TypeScript:
// leakaudit must report on it what the audit found (with the audit's
// overstatements corrected), and nothing P0/P1 on the remediated version.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAudit } from '../src/pipeline/run-audit.js';
import { REPO } from './helpers.js';

const summary = (findings: { ruleId: string; priority: string; location: { path: string } }[]) =>
  findings.map((f) => `${f.priority} ${f.ruleId} ${f.location.path}`).sort();

describe('reference example', () => {
  it('orchestrator-leaky: the audit findings, with their priorities', async () => {
    const result = await runAudit({ paths: [join(REPO, 'examples', 'orchestrator-leaky')] });
    expect(summary(result.findings)).toEqual([
      // Finding 1.1 / 1.2 / 1.3: heartbeat (10 s), orchestrator heartbeat (30 s), ready-work checker (10 s)
      'P0 task-unstoppable src/api/server.ts',
      'P0 task-unstoppable src/orchestration/orchestrator.ts',
      'P0 task-unstoppable src/orchestration/orchestrator.ts',
      // Finding 4: the four actors share one ActorRef class whose worker is never terminated
      'P1 actor-never-stopped src/orchestration/actor-ref.ts',
      // Finding 2: an embedded SQLite file (better-sqlite3) opened per operation and closed after
      // use: churn of a file open, P2 (the audit's P0 overstated it; a server connection would be P1)
      'P2 connection-per-operation src/storage/vectors.ts',
      'P2 connection-per-operation src/storage/vectors.ts',
      // Finding 2, dual storage: reported once
      'P2 storage-dual-stack src/storage/libsql.ts',
    ]);
    const periods = result.findings.filter((f) => f.ruleId === 'task-unstoppable').map((f) => /every (\d+ s)/.exec(f.message)?.[1]).sort();
    expect(periods).toEqual(['10 s', '10 s', '30 s']);
    // Finding 3: the SSE subscription removes its listener on disconnect: not a leak.
    expect(result.findings.some((f) => f.location.path.includes('sse'))).toBe(false);
  });

  it('orchestrator-fixed: nothing at P0 or P1', async () => {
    const result = await runAudit({ paths: [join(REPO, 'examples', 'orchestrator-fixed')] });
    expect(result.findings.filter((f) => f.priority !== 'P2').map((f) => `${f.location.path}:${f.location.startLine} ${f.message}`)).toEqual([]);
  });
});
