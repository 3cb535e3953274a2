// CI gates on watch results: ceilings on peaks, --fail-on-growth with and without a metric list.
import { describe, expect, it } from 'vitest';
import type { MetricAnalysis } from '../../src/runtime/watch/analyse.js';
import { checkThresholds } from '../../src/runtime/watch/thresholds.js';

function metric(name: string, max: number, verdict: 'stable' | 'growing', unit: 'count' | 'bytes' = 'count'): MetricAnalysis {
  return {
    name,
    unit,
    description: '',
    first: 0,
    last: max,
    min: 0,
    max,
    points: 10,
    perMinute: 0,
    trend: { verdict, n: 10, slopePerX: 0, slopePerMinute: 0, p: 0.5, growth: 0, oscillation: 0, reason: '' },
  };
}

const analysis = [metric('fds', 60, 'growing'), metric('fds.socket', 40, 'growing'), metric('threads', 12, 'stable'), metric('rss', 300 * 1024 ** 2, 'growing', 'bytes'), metric('node:Timeout', 9, 'growing')];

describe('checkThresholds', () => {
  it('compares peaks with the ceilings', () => {
    expect(checkThresholds(analysis, { maxFds: 50, maxThreads: 16, maxRss: 512 * 1024 ** 2 })).toEqual([
      { name: '--max-fds', ok: false, message: 'fds peaked at 60 > --max-fds 50' },
      { name: '--max-threads', ok: true, message: 'threads peaked at 12 ≤ --max-threads 16' },
      { name: '--max-rss', ok: true, message: 'rss peaked at 300.0 MiB ≤ --max-rss 512.0 MiB' },
    ]);
  });

  it('fails on any growing metric, or only on the listed families', () => {
    expect(checkThresholds(analysis, { failOnGrowth: true })).toEqual([{ name: '--fail-on-growth', ok: false, message: 'growing: fds, fds.socket, rss, node:Timeout' }]);
    expect(checkThresholds(analysis, { failOnGrowth: ['fds'] })[0]).toMatchObject({ ok: false, message: 'growing: fds, fds.socket' });
    expect(checkThresholds(analysis, { failOnGrowth: ['node'] })[0]).toMatchObject({ ok: false, message: 'growing: node:Timeout' });
    expect(checkThresholds(analysis, { failOnGrowth: ['threads'] })[0]).toMatchObject({ ok: true, message: 'no threads metric grows' });
  });

  it('checks nothing when no threshold is given', () => {
    expect(checkThresholds(analysis, {})).toEqual([]);
  });
});
