// A browser library copied into a web app's static assets with its minified build
// (`public/plugins/jQueryUI/jquery-ui.js` beside `jquery-ui.min.js`) is not the
// project's code: skipped with its reason. The project's own scripts stay audited,
// even beside a minified build elsewhere, or in such a directory without one.
import { describe, expect, it } from 'vitest';
import { runAudit } from '../../src/pipeline/run-audit.js';
import { makeTree } from '../helpers.js';

const LEAK = (name: string): string => `export function ${name}() {\n  setInterval(() => console.log('tick'), 1000);\n}\n`;

describe('vendored library copies', () => {
  it('are skipped beside their minified build in a static-asset library directory', async () => {
    const root = makeTree({
      'dashboard/public/plugins/jQueryUI/jquery-ui.js': LEAK('tooltip'),
      'dashboard/public/plugins/jQueryUI/jquery-ui.min.js': 'x',
      'static/lib/chart/chart.umd.js': LEAK('chart'),
      'static/lib/chart/chart.umd.min.js': 'x',
      // Not vendored: no minified build beside it, or not under a static-asset library directory.
      'public/plugins/own/widget.js': LEAK('widget'),
      'public/js/app.js': LEAK('app'),
      'public/js/app.min.js': 'x',
      'src/lib/poll.js': LEAK('poll'),
      'src/lib/poll.min.js': 'x',
    });
    const result = await runAudit({ paths: [root], jobs: 0 });
    expect([...new Set(result.findings.map((f) => f.location.path))].sort()).toEqual(['public/js/app.js', 'public/plugins/own/widget.js', 'src/lib/poll.js']);
    const reason = 'vendored library (a script beside its own minified build in a static-asset library directory)';
    expect(result.skipped.filter((s) => s.reason === reason).map((s) => s.relPath).sort()).toEqual(['dashboard/public/plugins/jQueryUI/jquery-ui.js', 'static/lib/chart/chart.umd.js']);
  });
});
