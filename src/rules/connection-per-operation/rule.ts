// connection-per-operation: a database connection opened on every call of a
// function that runs per operation, instead of once (kept) or from a pool.
import type { Rule } from '../types.js';
import { reportFactory } from './factory.js';
import { calledOnlyFromSetup, perOperationCaller, perOperationMaker, releasesOfStored, startedOnlyFromEntry, symbolOf } from '../../analysis/project.js';
import { describeFate, growthOf, isTestCode, locationOf } from '../shared/describe.js';

/** Constructors: TypeScript's `constructor`, Rust's `new`, `try_new`, `default`, `with_*`. */
const CONSTRUCTORS = /^(constructor|new|try_new|default|with_\w+)$/;

export const connectionPerOperation: Rule = {
  meta: {
    id: 'connection-per-operation',
    summary: 'A database connection opened in a function that runs per operation, not kept for reuse and not taken from a pool.',
    kinds: ['connection', 'pool'],
    defaultPriority: 'P0',
    precision: 'high',
    tags: ['leak', 'database', 'connection', 'file-descriptors'],
    messages: {
      churn: '`{api}` opens a connection on every call of `{symbol}()`; it is closed (or dropped) after each use, but nothing reuses it',
      neverClosed: '`{api}` opens a connection on every call of `{symbol}()` and nothing closes it',
    },
  },
  check(ctx) {
    for (const ref of ctx.project.acquisitions) {
      const a = ref.acquisition;
      // A pool built per operation (`new pg.Pool()`, `r2d2::Pool::builder().build(..)` in a handler) is a
      // whole set of connections per call: judged like a connection.
      if (a.kind !== 'connection' && a.kind !== 'pool') continue;
      const model = ctx.project.models.get(a.modelId);
      if (!model || model.role !== 'acquire') continue;
      if (isTestCode(ref)) continue;
      const line = a.site.startLine;
      // `new DataManager()` in a request handler, whose constructor opens a pool: once per operation after all.
      // A constructor by its signature (an associated function returning the owner, `fn connect(..) -> Result<Self>`),
      // not by its name, is judged the same way, at P2: its name does not say it makes an instance per call.
      const byName = CONSTRUCTORS.test(a.fn.name);
      const madeBy = a.fn.constructOnce && !a.inLoop && !a.fn.isEntryPoint && (byName || a.fn.isConstructor) ? perOperationCaller(ctx.project, a.fn, ref.file.path) : undefined;
      if (a.fn.constructOnce && !a.inLoop && !madeBy) {
        ctx.note({ counter: 'opened once', path: ref.file.path, line, detail: `${a.api} in ${symbolOf(a)} (constructor/init)` });
        continue;
      }
      // `__init__` calls `self._initialize()`, and nothing else does: the helper runs once per object, like its set-up.
      const setup = !a.fn.constructOnce && !a.inLoop && a.fn.ownerType ? calledOnlyFromSetup(ctx.project, a.fn, ref.file.path) : undefined;
      if (setup && !perOperationMaker(ctx.project, { name: 'constructor', ownerType: a.fn.ownerType! }, ref.file.path)) {
        ctx.note({ counter: 'opened once', path: ref.file.path, line, detail: `${a.api} in ${symbolOf(a)}, only called from the set-up ${setup}()` });
        continue;
      }
      const startedFrom = a.inLoop ? undefined : startedOnlyFromEntry(ctx.project, a.fn, ref.file.path);
      if (startedFrom) {
        ctx.note({ counter: 'opened once', path: ref.file.path, line, detail: `${a.api} in ${symbolOf(a)}, only called from ${startedFrom}()` });
        continue;
      }
      const fate = a.handle;
      if ((model.pooled || model.perOperationOk) && fate.kind === 'released-locally') {
        ctx.note({ counter: 'returned to its pool', path: ref.file.path, line, detail: `${a.api} in ${symbolOf(a)}: checked out per operation and released` });
        continue;
      }
      // Kept in a field of an object made per operation: it lives as long as that object, closed only by its teardown.
      // An owner that closes it in its own teardown manages it: how often the owner is made is the owner's question.
      if (madeBy && fate.kind === 'field' && releasesOfStored(ctx.project, fate, model.releases).length > 0) {
        ctx.note({ counter: 'kept or handed on', path: ref.file.path, line, detail: `${a.api}: kept in ${fate.ownerType}.${fate.field}, closed by its owner` });
        continue;
      }
      if (fate.kind === 'returned' && !a.fn.constructOnce && reportFactory(ctx, ref)) continue;
      if ((fate.kind === 'field' && !madeBy) || fate.kind === 'returned' || fate.kind === 'passed' || fate.kind === 'scoped') {
        ctx.note({ counter: 'kept or handed on', path: ref.file.path, line, detail: describeFate(fate, model.handle ?? 'connection') });
        continue;
      }
      const closes = model.dropReleases || fate.kind === 'released-locally';
      // `let pool = build(); loop { pool.get() .. }`: opened once per run of a long-lived function, reused by every round.
      if (closes && a.reusedByLoop !== undefined && !a.inLoop) {
        ctx.note({ counter: 'kept or handed on', path: ref.file.path, line, detail: `${a.api} in ${symbolOf(a)}: reused by the loop at line ${a.reusedByLoop}` });
        continue;
      }
      const symbol = symbolOf(a);
      const handleType = model.handle ?? 'connection';
      const madeByName = madeBy ? (madeBy.callerOwner && !madeBy.callerOwner.includes('/') ? `${madeBy.callerOwner}::${madeBy.caller}` : madeBy.caller) : '';
      const evidence = [
        // A helper's connection, seen at its call: say where it is made.
        ...(a.notes ?? []),
        madeBy
          ? `opened in \`${symbol}()\`, and \`${madeByName}()\` makes a new \`${a.fn.ownerType}\` on every call (${ctx.project.fileOfCall.get(madeBy) ?? 'another file'}): one per operation`
          : `opened in \`${symbol}()\`, which is not a constructor or init function: it runs once per operation`,
        madeBy && fate.kind === 'field' ? `kept in \`${fate.ownerType}.${fate.field}\`, and no method of \`${fate.ownerType}\` closes it` : describeFate(fate, handleType),
        closes
          ? fate.kind !== 'released-locally' && model.dropReleasesLater
            ? `nothing closes it: a ${handleType} is closed ${model.dropReleasesLater}; every call pays an open (file or socket, handshake, schema read), and dropped connections can stay open until they are reclaimed`
            : `${fate.kind === 'released-locally' ? 'it is closed explicitly' : `a ${handleType} closes when dropped`}, so this is churn, not a leak: every call pays an open (file or socket, handshake, schema read) and holds one more connection while it runs`
          : `a ${handleType} is not closed when dropped and nothing closes it: every call leaks one ${a.kind === 'pool' ? 'pool and its connections' : 'connection'}`,
        a.kind === 'pool' ? 'a pool is meant to be built once and shared: this one is built per call and not stored for reuse' : 'it is not taken from a pool and not stored for reuse',
      ];
      // An embedded store (SQLite) closed or dropped after each use costs a file open per call, no server connection.
      const cheapOpen = closes && model.embedded === true;
      if (cheapOpen) evidence.push(`\`${a.api}\` opens an embedded, in-process database: each open costs a file open and a schema read, no socket or server backend, and it is ${fate.kind === 'released-locally' ? 'closed' : 'dropped'} after each use: low-cost churn, reported at P2`);
      if (madeBy && !byName) evidence.push(`\`${symbol}()\` returns a new \`${a.fn.ownerType}\` though it is not named as a constructor: reported at P2, how often its caller runs is not seen`);
      if (a.inLoop) evidence.push('the open sits inside a loop: one connection per iteration');
      const sameFn = ctx.project.acquisitions.filter(
        (r) => r !== ref && r.file === ref.file && r.acquisition.kind === 'connection' && symbolOf(r.acquisition) === symbol,
      ).length;
      if (sameFn > 0) evidence.push(`\`${symbol}()\` opens ${sameFn} more connection${sameFn === 1 ? '' : 's'}`);
      ctx.report({
        ruleId: 'connection-per-operation',
        messageId: closes ? 'churn' : 'neverClosed',
        kind: 'connection',
        language: ref.file.language,
        // Churn of a client that is no data store (an HTTP client, a broker factory) costs handshakes,
        // not database backends: worth knowing, rarely urgent.
        // A pool built, used and ended in one function is a deliberate one-off (a script, an admin task).
        priority: (madeBy && !byName) || cheapOpen ? 'P2' : closes ? ((model.storage === false && model.dropReleases && fate.kind !== 'released-locally') || (a.kind === 'pool' && fate.kind === 'released-locally') ? 'P2' : 'P1') : 'P0',
        confidence: a.fn.name === '<module>' ? 'low' : 'high',
        location: locationOf(ref),
        symbol,
        api: a.api,
        snippet: a.snippet,
        message: closes
          ? fate.kind === 'released-locally'
            ? `\`${a.api}\` opens a connection on every call of \`${symbol}()\`; it is closed after each use, but nothing reuses it`
            : model.dropReleasesLater
              ? `\`${a.api}\` opens a connection on every call of \`${symbol}()\` and drops it unclosed, to be closed when it is reclaimed; nothing reuses it`
              : `\`${a.api}\` opens a connection on every call of \`${symbol}()\`; it is dropped (which closes it) after each use, but nothing reuses it`
          : `\`${a.api}\` opens a connection on every call of \`${symbol}()\` and nothing closes it`,
        evidence,
        growth: closes
          ? `${growthOf(a, 'open connection')} while the call runs: unbounded under concurrency (N concurrent calls = N connections)`
          : `${growthOf(a, 'leaked connection')}, never reclaimed`,
        impact: model.cost?.summary ?? 'one connection (a file descriptor or socket) per open',
        remediation: model.remediation ?? 'Open the connection once and keep it, or take it from a pool.',
        related: [],
      });
    }
  },
};
