// A one-line chart of the last values: ▁▂▃▄▅▆▇█ scaled to the window's own range.

const BARS = '▁▂▃▄▅▆▇█';

export function sparkline(values: readonly number[], width: number): string {
  const shown = values.slice(-width);
  if (shown.length === 0) return '';
  let lo = shown[0]!;
  let hi = shown[0]!;
  for (const v of shown) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (hi === lo) return BARS[0]!.repeat(shown.length);
  return shown.map((v) => BARS[Math.min(BARS.length - 1, Math.floor(((v - lo) / (hi - lo)) * BARS.length))]!).join('');
}

/** The whole series squeezed into `width` points (each the largest value of its stretch, so peaks survive). */
export function squeeze(values: readonly number[], width: number): number[] {
  if (values.length <= width) return [...values];
  const out: number[] = [];
  for (let b = 0; b < width; b++) {
    const from = Math.floor((b * values.length) / width);
    const to = Math.floor(((b + 1) * values.length) / width);
    let max = values[from]!;
    for (let i = from + 1; i < to; i++) max = Math.max(max, values[i]!);
    out.push(max);
  }
  return out;
}
