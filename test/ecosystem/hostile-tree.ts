// A small audited tree whose code, comments, file names and runtime metric
// names carry HTML/script injection payloads. Every payload, if it ever ran,
// would set window.__pwned (or fetch), which the browser tests check.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTree } from '../helpers.js';

export const PAYLOADS = [
  '</script><img src=x onerror="window.__pwned=1">',
  '<script>window.__pwned=2</script>',
  '"><svg onload="window.__pwned=3">',
  "'><iframe srcdoc='<script>parent.__pwned=4</script>'>",
  '<a href="javascript:window.__pwned=5">click</a>',
  '<style>body{display:none}</style>',
];

/** A directory `<` with a file `script><img src=x onerror=...>.rs` makes the path `</script><img ...>.rs`. */
export const HOSTILE_DIR = '<';
export const HOSTILE_FILE = 'script><img src=x onerror=window.__pwned=6>.rs';

export function hostileTree(): { root: string; runtimeFile: string } {
  const leak = (fn: string, payload: string) => `pub fn ${fn}() {
    // ${payload}
    tokio::spawn(async move { loop { let _ = tx.send("${payload.replace(/["\\]/g, '\\$&')}"); tick().await; } });
}
`;
  const root = makeTree({
    // Each leak is called per request (`on_request`), so it grows per call: P0.
    'src/payloads.rs': `${PAYLOADS.map((p, i) => leak(`start_${i}`, p)).join('\n')}\npub fn on_request() {\n${PAYLOADS.map((_, i) => `    start_${i}();\n`).join('')}}\n`,
    [`src/${HOSTILE_DIR}/${HOSTILE_FILE}`]: `${leak('start_in_named_file', PAYLOADS[0]!)}\npub fn on_request() {\n    start_in_named_file();\n}\n`,
    'src/clean.rs': 'pub fn add(a: u32, b: u32) -> u32 {\n    a + b\n}\n',
  });
  const runtimeFile = join(root, 'watch.json');
  const samples = Array.from({ length: 20 }, (_, i) => ({
    t: i * 1000,
    fds: { total: 10 + i, socket: 2 + Math.floor(i / 2) },
    threads: 4,
    rssBytes: 50 * 1024 * 1024 + i * 1024 * 1024,
    [PAYLOADS[0]!]: i,
  }));
  writeFileSync(runtimeFile, JSON.stringify({ samples }));
  return { root, runtimeFile };
}
