// Inline suppressions: `// leakaudit-ignore[rule-id]: reason` on or above the
// line; a reason is required; unknown ids and stale suppressions are reported;
// suppressed findings are counted.
import { describe, expect, it } from 'vitest';
import { makeTree, runCli } from '../helpers.js';

const SPAWN = 'tokio::spawn(async move { loop { tick().await; } });';

interface Report {
  findings: { symbol: string; suppressed?: { by: string; reason: string } }[];
  suppressionProblems: { path: string; line: number; problem: string }[];
  stats: { counts: { findings: number; suppressed: number } };
}

function report(source: string, args: string[] = []): Report {
  const r = runCli([makeTree({ 'src/a.rs': source }), '-f', 'json', '--fail-on', 'none', ...args]);
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as Report;
}

const fn = (name: string, body: string): string => `pub fn ${name}() {\n${body}\n}\n`;

describe('leakaudit-ignore', () => {
  it('applies on its own line, or to the next code line below it, with the reason kept', () => {
    const r = report(
      [
        fn('trailing', `    ${SPAWN} // leakaudit-ignore[task-unstoppable]: process-long by design`),
        fn('above', `    // leakaudit-ignore[task-unstoppable]: runs until exit\n\n    // (a note in between)\n    ${SPAWN}`),
        fn('block', `    /* leakaudit-ignore[channel-unbounded, task-unstoppable]: ok here */\n    ${SPAWN}`),
        fn('reported', `    ${SPAWN}`),
      ].join('\n'),
    );
    const bySymbol = Object.fromEntries(r.findings.map((f) => [f.symbol, f.suppressed?.reason ?? null]));
    expect(bySymbol).toEqual({ trailing: 'process-long by design', above: 'runs until exit', block: 'ok here', reported: null });
    expect(r.stats.counts).toMatchObject({ findings: 1, suppressed: 3 });
    expect(r.suppressionProblems).toEqual([]);
  });

  it('reads # comments in Python, trailing or above (a decorator line between is code)', () => {
    const py = [
      'import asyncio',
      'async def forever():',
      '    while True:',
      '        await asyncio.sleep(1)',
      'def trailing():',
      '    asyncio.create_task(forever())  # leakaudit-ignore[task-unstoppable]: one per process',
      'def above():',
      '    # leakaudit-ignore[task-unstoppable]: runs until exit',
      '',
      '    asyncio.create_task(forever())',
      'def reported():',
      '    asyncio.create_task(forever())',
      '# leakaudit-ignore[task-unstoppable]: stale',
      'x = 1',
    ].join('\n');
    const r = runCli([makeTree({ 'app/a.py': py }), '-f', 'json', '--fail-on', 'none']);
    const parsed = JSON.parse(r.stdout) as Report;
    const bySymbol = Object.fromEntries(parsed.findings.map((f) => [f.symbol, f.suppressed?.reason ?? null]));
    expect(bySymbol).toEqual({ trailing: 'one per process', above: 'runs until exit', reported: null });
    expect(parsed.suppressionProblems).toEqual([{ path: 'app/a.py', line: 13, problem: 'leakaudit-ignore[task-unstoppable] suppresses nothing on line 14; remove it' }]);
  });

  it('needs a rule id and a reason; without a reason it is not applied', () => {
    const r = report([fn('no_reason', `    // leakaudit-ignore[task-unstoppable]\n    ${SPAWN}`), fn('no_id', `    // leakaudit-ignore: because\n    ${SPAWN}`)].join('\n'));
    expect(r.findings.filter((f) => f.suppressed)).toEqual([]);
    expect(r.suppressionProblems.map((p) => `${p.line}: ${p.problem}`)).toEqual([
      '2: leakaudit-ignore needs a reason after the colon; the suppression is not applied',
      '7: leakaudit-ignore needs a rule id: `leakaudit-ignore[rule-id]: reason`',
    ]);
  });

  it('reports unknown rule ids and suppressions that cover nothing, unless the rule is switched off', () => {
    const source = [
      fn('typo', `    // leakaudit-ignore[task-unstopable]: typo\n    ${SPAWN}`),
      fn('stale', `    // leakaudit-ignore[channel-unbounded]: the channel was made bounded\n    let (tx, rx) = tokio::sync::mpsc::channel::<u8>(16);\n    keep(tx, rx);`),
    ].join('\n');
    const r = report(source);
    expect(r.suppressionProblems.map((p) => `${p.line}: ${p.problem}`)).toEqual([
      '2: unknown rule id `task-unstopable` in leakaudit-ignore',
      '7: leakaudit-ignore[channel-unbounded] suppresses nothing on line 8; remove it',
    ]);
    const tree = makeTree({ 'src/a.rs': source, 'leakaudit.config.json': '{"rules": {"channel-unbounded": "off"}}' });
    const off = JSON.parse(runCli([tree, '-f', 'json', '--fail-on', 'none']).stdout) as Report;
    expect(off.suppressionProblems.map((p) => p.line)).toEqual([2]);
  });

  it('counts suppressed findings in the text summary and warns about problems there', () => {
    const r = runCli([makeTree({ 'src/a.rs': [fn('kept', `    ${SPAWN} // leakaudit-ignore[task-unstoppable]: by design`), fn('typo', `    // leakaudit-ignore[nope]: x\n    ${SPAWN}`), fn('on_request', '    typo();')].join('\n') })]);
    expect(r.stdout).toContain('1 finding · 1 P0, 0 P1, 0 P2 · 1 suppressed');
    expect(r.stdout).toContain('warning: src/a.rs:6: unknown rule id `nope` in leakaudit-ignore');
  });
});
