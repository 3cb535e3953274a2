// Snippet -> facts: tells a Go frontend bug from a rule bug.
import { beforeAll, describe, expect, it } from 'vitest';
import { WasmBackend } from '../../parse/wasm-backend.js';
import { loadBuiltinModels } from '../../models/index.js';
import type { FileFacts } from '../../facts/types.js';
import { isTestPath, languageOf } from '../../discover/language.js';
import { extractGo } from './extract.js';

let backend: WasmBackend;
const models = loadBuiltinModels().filter((m) => m.language === 'go');

beforeAll(async () => {
  backend = await WasmBackend.create(['go']);
});

function facts(source: string, isTestFile = false, path = 'server.go'): FileFacts {
  const tree = backend.parse(source, 'go');
  try {
    return extractGo({ path, source, tree, models, isTestFile });
  } finally {
    tree.delete();
  }
}

describe('go frontend', () => {
  it('reads .go files as Go and *_test.go and testdata/ as test code', () => {
    expect(languageOf('cmd/main.go')).toEqual({ language: 'go', grammar: 'go' });
    expect(isTestPath('server/server_test.go')).toBe(true);
    expect(isTestPath('internal/testdata/leak.go')).toBe(true);
    expect(isTestPath('server/server.go')).toBe(false);
  });

  it('finds the exits of a goroutine loop: a stop case that returns, a labelled break; not a break inside select', () => {
    const f = facts(`package s
import "context"
func a(ctx context.Context, in chan int) {
	go func() {
		for {
			select {
			case <-ctx.Done():
				return
			case <-in:
			}
		}
	}()
	go func() {
	loop:
		for {
			select {
			case <-in:
				break loop
			}
		}
	}()
	go func() {
		for {
			select {
			case <-ctx.Done():
				break
			case <-in:
			}
		}
	}()
}
`);
    const bodies = f.acquisitions.map((a) => a.body!);
    expect(bodies.map((b) => b.loopKind)).toEqual(['for { select }', 'for { select }', 'for { select }']);
    expect(bodies[0]!.exits[0]).toMatchObject({ kind: 'cancellation', line: 8 });
    expect(bodies[1]!.exits[0]).toMatchObject({ kind: 'break', line: 18 });
    expect(bodies[2]!.exits).toEqual([]);
  });

  it('reads the period of a ticker loop and what the goroutine captures', () => {
    const f = facts(`package s
import "time"
const every = 30 * time.Second
func a(name string) {
	t := time.NewTicker(every)
	go func() {
		for range t.C {
			println(name)
		}
	}()
}
`);
    const goroutine = f.acquisitions.find((a) => a.kind === 'task')!;
    expect(goroutine.body).toMatchObject({ longLived: true, loopKind: 'for range t.C', periodMs: 30_000, exits: [] });
    expect(goroutine.body!.captures.sort()).toEqual(['name', 't']);
  });

  it('follows a handle: deferred release, `_`, a receiver field, a package variable, returned', () => {
    const f = facts(`package s
import (
	"context"
	"net/http"
	"time"
)
type S struct{ t *time.Ticker }
var global *time.Ticker
func (s *S) a(parent context.Context) {
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	_, _ = context.WithTimeout(ctx, time.Second)
	s.t = time.NewTicker(time.Second)
	global = time.NewTicker(time.Minute)
}
func b(url string) (*http.Response, error) {
	return http.Get(url)
}
`);
    const fates = f.acquisitions.map((a) => [a.api, a.handle.kind]);
    expect(fates).toEqual([
      ['context.WithCancel', 'released-locally'],
      ['context.WithTimeout', 'discarded'],
      ['time.NewTicker', 'field'],
      ['time.NewTicker', 'field'],
      ['http.Get', 'returned'],
    ]);
    expect(f.acquisitions[2]!.handle).toMatchObject({ ownerType: 'S', field: 't' });
    expect(f.acquisitions[3]!.handle).toMatchObject({ ownerType: 's', field: 'global' });
  });

  it('records owners with teardowns, releases of their fields, and who calls what', () => {
    const f = facts(`package s
import "time"
type Poller struct{ t *time.Ticker }
func NewPoller() *Poller {
	p := &Poller{t: time.NewTicker(time.Second)}
	p.start()
	return p
}
func (p *Poller) start() {}
func (p *Poller) Close() error {
	p.t.Stop()
	return nil
}
func main() {
	NewPoller()
}
`);
    expect(f.owners).toEqual([expect.objectContaining({ name: 'Poller', fields: [{ name: 't', type: '*time.Ticker' }] })]);
    expect(f.owners[0]!.methods.map((m) => [m.name, m.teardown])).toEqual([
      ['start', false],
      ['Close', true],
    ]);
    expect(f.releases).toEqual([expect.objectContaining({ api: 'Stop', target: { kind: 'field', field: 't' }, fn: { name: 'Close', ownerType: 'Poller' } })]);
    expect(f.acquisitions[0]!.fn).toMatchObject({ name: 'NewPoller', ownerType: 'Poller', constructOnce: true });
    expect(f.calls).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ callee: 'start', calleeOwner: 'Poller', typedReceiver: true, caller: 'NewPoller' }),
        expect.objectContaining({ callee: 'NewPoller', calleeOwner: 'Poller', caller: 'main', callerIsEntryPoint: true }),
      ]),
    );
  });

  it('reads suppressions in // comments and counts API uses apart for test code', () => {
    const f = facts(
      `package s
import "time"
func TestTick(t *testing.T) {
	// leakaudit-ignore[handle-never-released]: the test process exits
	time.NewTicker(time.Second)
	go func() {}()
}
`,
      true,
      'tick_test.go',
    );
    expect(f.suppressions).toEqual([{ line: 5, commentLine: 4, ruleIds: ['handle-never-released'], reason: 'the test process exits' }]);
    expect(f.uses.map((u) => [u.api, u.isTest])).toEqual([
      ['time.NewTicker', true],
      ['go func()', true],
    ]);
    expect(f.calls).toEqual([]);
  });
});
