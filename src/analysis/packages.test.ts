// Two packages side by side never lend each other their types' teardown.
import { describe, expect, it } from 'vitest';
import { runAudit } from '../pipeline/run-audit.js';
import { RUST_SERVER_FIXED, RUST_SERVER_LEAKY, makeTree } from '../../test/helpers.js';

const LEAKY = RUST_SERVER_LEAKY;
const FIXED = RUST_SERVER_FIXED;

const PY_LEAKY = `import asyncio
class Server:
    def start(self):
        self._task = asyncio.create_task(self._run())
    async def _run(self):
        while True:
            await asyncio.sleep(1)
`;
const PY_FIXED = `${PY_LEAKY}
    def stop(self):
        self._task.cancel()
`;

describe('packages', () => {
  it('resolves owners within each crate', async () => {
    const root = makeTree({
      'Cargo.toml': '[workspace]\nmembers = ["leaky", "fixed"]\n',
      'leaky/Cargo.toml': '[package]\nname = "leaky"\n',
      'leaky/src/lib.rs': LEAKY,
      'fixed/Cargo.toml': '[package]\nname = "fixed"\n',
      'fixed/src/lib.rs': FIXED,
    });
    const result = await runAudit({ paths: [root] });
    expect(result.findings.map((f) => `${f.ruleId} ${f.location.path}`)).toEqual(['task-unstoppable leaky/src/lib.rs']);
  });

  it('resolves owners within each Go module (the nearest go.mod)', async () => {
    const server = (closeBody: string) => `package srv
import "time"
type Server struct{ t *time.Ticker }
func NewServer() *Server { return &Server{t: time.NewTicker(time.Second)} }
${closeBody}
`;
    const root = makeTree({
      'leaky/go.mod': 'module example.com/leaky\n',
      'leaky/srv/server.go': server(''),
      'fixed/go.mod': 'module example.com/fixed\n',
      'fixed/srv/server.go': server('func (s *Server) Close() { s.t.Stop() }'),
    });
    const result = await runAudit({ paths: [root] });
    expect(result.findings.map((f) => `${f.ruleId} ${f.location.path}`)).toEqual(['handle-never-released leaky/srv/server.go']);
  });

  it('treats a tree without manifests as one package', async () => {
    const root = makeTree({ 'a/lib.rs': LEAKY, 'b/drop.rs': FIXED.replace(LEAKY, '') });
    const result = await runAudit({ paths: [root] });
    expect(result.findings).toEqual([]);
  });

  it('resolves owners within each Python project (pyproject.toml, setup.py, setup.cfg)', async () => {
    const root = makeTree({
      'leaky/pyproject.toml': '[project]\nname = "leaky"\n',
      'leaky/server.py': PY_LEAKY,
      'fixed/setup.py': 'from setuptools import setup\nsetup(name="fixed")\n',
      'fixed/server.py': PY_LEAKY,
      'fixed/teardown.py': 'class Server:\n    def stop(self):\n        self._task.cancel()\n',
      'other/setup.cfg': '[metadata]\nname = other\n',
      'other/teardown.py': PY_FIXED.replace(PY_LEAKY, 'class Server:') + '\n',
    });
    const result = await runAudit({ paths: [root] });
    expect(result.findings.map((f) => `${f.ruleId} ${f.location.path}`)).toEqual(['task-unstoppable leaky/server.py']);
  });
});
