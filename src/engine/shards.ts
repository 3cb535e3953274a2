// `--shard i/N`: which units (packages: a Cargo crate, an npm package, or the
// root's loose files) one of N machines audits. Types, teardowns and call
// graphs resolve within a unit, so units audited apart give the findings the
// whole run gives. Units go to shards largest first, each to the shard with
// the fewest bytes so far (ties: the lower shard), so every shard computes the
// same split from the same tree and the shards take about equal time.

export interface Shard {
  /** 1-based, as written. */
  index: number;
  count: number;
}

/** `2/3` -> { index: 2, count: 3 }; undefined when the text is not of that form or out of range. */
export function parseShard(text: string): Shard | undefined {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  if (!m) return undefined;
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index < 1 || index > count) return undefined;
  return { index, count };
}

/** Unit directory -> the 1-based shard that audits it. */
export function assignUnits(units: readonly { dir: string; bytes: number }[], count: number): Map<string, number> {
  const load = new Array<number>(count).fill(0);
  const out = new Map<string, number>();
  const order = [...units].sort((a, b) => b.bytes - a.bytes || (a.dir < b.dir ? -1 : a.dir > b.dir ? 1 : 0));
  for (const unit of order) {
    let least = 0;
    for (let s = 1; s < count; s++) if (load[s]! < load[least]!) least = s;
    load[least]! += unit.bytes;
    out.set(unit.dir, least + 1);
  }
  return out;
}
