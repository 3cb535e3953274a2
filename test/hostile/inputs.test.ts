// Hostile inputs: every one is skipped or partially parsed with a reason, never
// crashes the run, and never loses the findings of the other files.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAudit } from '../../src/pipeline/run-audit.js';
import { makeTree } from '../helpers.js';

/** A leak every hostile tree also contains: its finding must survive. */
const LEAK = `
pub fn start() {
    tokio::spawn(async move {
        loop { tokio::time::sleep(tokio::time::Duration::from_secs(1)).await; }
    });
}
`;

async function auditWith(files: Record<string, string | Uint8Array>, opts: { maxFileBytes?: number } = {}) {
  const root = makeTree({ 'src/leak.rs': LEAK, ...files });
  const result = await runAudit({ paths: [root], ...opts });
  const leak = result.findings.find((f) => f.location.path === 'src/leak.rs');
  expect(leak, 'the finding in src/leak.rs must still be reported').toBeDefined();
  return { root, result };
}

describe('hostile inputs', () => {
  it('skips a binary file with a source extension', async () => {
    const bytes = new Uint8Array([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2, 3, 0, 0xff]);
    const { result } = await auditWith({ 'src/blob.rs': bytes });
    expect(result.skipped).toContainEqual({ relPath: 'src/blob.rs', reason: 'binary file (NUL bytes)' });
  });

  it('reads invalid UTF-8 with replacement characters and notes it', async () => {
    const bad = Buffer.concat([Buffer.from('// caf'), Buffer.from([0xff, 0xfe]), Buffer.from(`\n${LEAK.replace('start', 'start2')}`)]);
    const { result } = await auditWith({ 'src/latin1.rs': bad });
    expect(result.decodeNotes).toContainEqual({ path: 'src/latin1.rs', note: 'invalid UTF-8 replaced with U+FFFD' });
    expect(result.findings.some((f) => f.location.path === 'src/latin1.rs' && f.location.startLine === 4)).toBe(true);
  });

  it('decodes UTF-16 with a BOM', async () => {
    const text = Buffer.from(`\ufeff${LEAK.replace('start', 'start16')}`, 'utf16le');
    const { result } = await auditWith({ 'src/wide.rs': text });
    expect(result.findings.some((f) => f.location.path === 'src/wide.rs' && f.location.startLine === 3)).toBe(true);
  });

  it('keeps line numbers right with CRLF and lone CR line endings', async () => {
    const { result } = await auditWith({
      'src/crlf.rs': `// one\r\n// two${LEAK.replace(/\n/g, '\r\n')}`,
      'src/cr.rs': `// one\r// two${LEAK.replace(/\n/g, '\r')}`,
    });
    for (const path of ['src/crlf.rs', 'src/cr.rs']) {
      expect(result.findings.find((f) => f.location.path === path)?.location.startLine, path).toBe(4);
    }
  });

  it('skips a file over the size limit, and parses it when the limit allows', async () => {
    const big = `${'// filler line to make the file large enough\n'.repeat(120_000)}${LEAK.replace('start', 'startBig')}`;
    const { result } = await auditWith({ 'src/big.rs': big });
    expect(result.skipped.find((s) => s.relPath === 'src/big.rs')?.reason).toMatch(/^larger than 2\.0 MiB/);
    const { result: allowed } = await auditWith({ 'src/big.rs': big }, { maxFileBytes: 10 * 1024 * 1024 });
    expect(allowed.findings.some((f) => f.location.path === 'src/big.rs')).toBe(true);
  });

  it('survives 100,000 nested parentheses and blocks in Rust', async () => {
    const depth = 100_000;
    const { result } = await auditWith({
      'src/parens.rs': `const X: u64 = ${'('.repeat(depth)}1${')'.repeat(depth)};\nfn f() ${'{'.repeat(depth)}${'}'.repeat(depth)}\n`,
    });
    const mentioned = [...result.skipped.map((s) => s.relPath), ...result.files.map((f) => f.path)];
    expect(mentioned).toContain('src/parens.rs');
  });

  it('extracts Python with a 30,000-term sum, a 30,000-link attribute chain and deep parentheses', async () => {
    const { result } = await auditWith({
      'app/deep.py': `X = ${Array(30_000).fill('1').join(' + ')}\ny = ${Array(30_000).fill('a').join('.')}()\ndef f():\n    z = ${'('.repeat(3000)}1${')'.repeat(3000)}\n`,
    });
    expect(result.skipped).toEqual([]);
    expect(result.files.map((f) => f.path)).toContain('app/deep.py');
  });

  it('handles empty files and a file with one 1 MB line', async () => {
    const { result } = await auditWith({ 'src/empty.rs': '', 'src/long.rs': `const S: &str = "${'x'.repeat(1024 * 1024)}";\n` });
    expect(result.files.map((f) => f.path)).toEqual(expect.arrayContaining(['src/empty.rs', 'src/long.rs']));
  });

  it('does not follow symlink loops or links out of the root', async () => {
    const root = makeTree({ 'src/leak.rs': LEAK });
    const outside = makeTree({ 'evil.rs': LEAK.replace('start', 'outside') });
    symlinkSync(join(root, 'src'), join(root, 'src', 'loop'));
    symlinkSync(outside, join(root, 'escape'));
    symlinkSync(join(outside, 'evil.rs'), join(root, 'src', 'evil.rs'));
    const result = await runAudit({ paths: [root] });
    expect(result.findings.map((f) => f.location.path)).toEqual(['src/leak.rs']);
    expect(result.skipped.map((s) => s.relPath).sort()).toEqual(['escape', 'src/evil.rs', 'src/loop']);
    expect(result.skipped.every((s) => s.reason === 'symbolic link (not followed)')).toBe(true);
  });

  it('counts a file whose name is not UTF-8', async () => {
    const root = makeTree({ 'src/leak.rs': LEAK });
    const name = Buffer.concat([Buffer.from(join(root, 'src') + '/bad'), Buffer.from([0xff, 0xfe]), Buffer.from('.rs')]);
    writeFileSync(name, LEAK.replace('start', 'bad_name'));
    const result = await runAudit({ paths: [root] });
    expect(result.findings.some((f) => f.location.path === 'src/leak.rs')).toBe(true);
    const all = [...result.files.map((f) => f.path), ...result.skipped.map((s) => s.relPath)];
    expect(all.some((p) => p.startsWith('src/bad'))).toBe(true);
  });

  it('skips a path outside the root instead of reporting ../ paths', async () => {
    const root = makeTree({ 'src/leak.rs': LEAK });
    const other = makeTree({ 'x.rs': LEAK });
    const result = await runAudit({ paths: [join(root, 'src'), join(other, 'x.rs')], root });
    expect(result.findings.map((f) => f.location.path)).toEqual(['src/leak.rs']);
    expect(result.skipped).toContainEqual({ relPath: join(other, 'x.rs'), reason: 'outside the audited root' });
  });

  it('audits several trees outside the working directory under their common parent', async () => {
    const a = makeTree({ 'src/leak.rs': LEAK });
    const b = makeTree({ 'x.rs': LEAK });
    const result = await runAudit({ paths: [a, b] });
    expect(result.skipped).toEqual([]);
    expect(result.findings).toHaveLength(2);
  });

  it('walks a tree named twice, or inside another start, once', async () => {
    const root = makeTree({ 'src/leak.rs': LEAK, 'src/inner/more.rs': LEAK });
    const result = await runAudit({ paths: [join(root, 'src', 'inner'), join(root, 'src'), join(root, 'src')], root });
    expect(result.files.map((f) => f.path)).toEqual(['src/inner/more.rs', 'src/leak.rs']);
    expect(result.findings).toHaveLength(2);
  });

  it('skips a directory named like a source file', async () => {
    const root = makeTree({ 'src/leak.rs': LEAK });
    mkdirSync(join(root, 'src', 'dir.rs'));
    const result = await runAudit({ paths: [root] });
    expect(result.findings).toHaveLength(1);
  });
});

describe('output safety', () => {
  it('never passes terminal escape sequences from source text to the terminal', async () => {
    const { runCli } = await import('../helpers.js');
    const root = makeTree({ 'src/esc.rs': `pub fn start() { tokio::spawn(async move { loop { println!("\u001b]0;pwned\u0007\u001b[2J"); } }); }\n` });
    const r = runCli([root, '--fail-on', 'none']);
    expect(r.stdout).toContain('task-unstoppable');
    expect(r.stdout).not.toMatch(/[\u001b\u0007]/);
    expect(r.stdout).toContain('\\u001b');
  });
});
