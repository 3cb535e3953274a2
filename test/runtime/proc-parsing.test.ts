// The small parsers behind `watch`: fd classes, /proc stat and status,
// wait statuses, durations, NODE_OPTIONS rewriting.
import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../src/runtime/watch/duration.js';
import { exitStatus, fromWaitStatus } from '../../src/runtime/watch/exit-status.js';
import { classifyFdTarget } from '../../src/runtime/watch/fd-class.js';
import { parseStat, parseStatus } from '../../src/runtime/watch/proc-reader.js';
import { NodeProbeServer, splitNodeOptions } from '../../src/runtime/watch/probe-server.js';
import { assertLinux } from '../../src/runtime/watch/watch-error.js';

describe('classifyFdTarget', () => {
  it.each([
    ['socket:[12345]', 'socket'],
    ['pipe:[678]', 'pipe'],
    ['anon_inode:[eventfd]', 'eventfd'],
    ['anon_inode:[eventpoll]', 'epoll'],
    ['anon_inode:[timerfd]', 'timerfd'],
    ['anon_inode:inotify', 'inotify'],
    ['anon_inode:[signalfd]', 'anon'],
    ['/dev/null', 'device'],
    ['/dev/shm/queue', 'file'],
    ['/var/lib/app/memory.db', 'sqlite-db'],
    ['/var/lib/app/vectors.sqlite3', 'sqlite-db'],
    ['/var/lib/app/memory.db-wal', 'sqlite-wal'],
    ['/var/lib/app/memory.db-shm', 'sqlite-shm'],
    ['/var/lib/app/memory.db-journal', 'sqlite-journal'],
    ['/var/lib/app/memory.db (deleted)', 'sqlite-db'],
    ['/var/log/app.log', 'file'],
    ['net:[4026531840]', 'other'],
  ])('%s is %s', (target, cls) => {
    expect(classifyFdTarget(target)).toBe(cls);
  });

  it('asks the sniffer about files whose name does not say', () => {
    expect(classifyFdTarget('/data/store.bin', (p) => p === '/data/store.bin')).toBe('sqlite-db');
  });
});

describe('/proc parsing', () => {
  it('reads stat fields after a command name holding spaces and parentheses', () => {
    const fields = Array.from({ length: 50 }, (_, i) => String(i + 3));
    fields[0] = 'Z';
    fields[1] = '77';
    fields[2] = '4240';
    fields[19] = '123456';
    fields[49] = '35072';
    const stat = parseStat(`4242 (my (odd) name) ${fields.join(' ')}`);
    expect(stat).toEqual({ name: 'my (odd) name', state: 'Z', ppid: 77, pgrp: 4240, startTime: 123456, exitCode: 35072 });
  });

  it('reads threads, RSS and uid from status', () => {
    expect(parseStatus('Name:\tnode\nUid:\t1000\t1000\t1000\t1000\nVmRSS:\t   51200 kB\nThreads:\t11\n')).toEqual({ threads: 11, rssBytes: 51200 * 1024, uid: 1000 });
  });

  it('decodes wait statuses and shell statuses', () => {
    expect(fromWaitStatus(137 << 8)).toMatchObject({ code: 137, signal: null, status: 137 });
    expect(fromWaitStatus(9)).toMatchObject({ code: null, signal: 'SIGKILL', status: 137 });
    expect(exitStatus(null, 'SIGTERM').status).toBe(143);
    expect(exitStatus(3, null).status).toBe(3);
  });
});

describe('options', () => {
  it('parses durations with units and refuses bare numbers', () => {
    expect(parseDuration('100ms')).toBe(100);
    expect(parseDuration('1.5s')).toBe(1500);
    expect(parseDuration('2m')).toBe(120_000);
    expect(parseDuration('0')).toBe(0);
    expect(parseDuration('100')).toBeUndefined();
    expect(parseDuration('soon')).toBeUndefined();
  });

  it('refuses to run anywhere but Linux, in one line', () => {
    expect(() => assertLinux('darwin')).toThrow(/needs Linux \(this system is darwin\)/);
    expect(() => assertLinux('linux')).not.toThrow();
  });

  it('appends the probe to NODE_OPTIONS, replacing an outer watcher\'s probe', async () => {
    expect(splitNodeOptions('--max-old-space-size=512 --require "/a b/x.cjs"')).toEqual(['--max-old-space-size=512', '--require', '"/a b/x.cjs"']);
    const probe = await NodeProbeServer.start();
    try {
      const env = probe.environment({ NODE_OPTIONS: '--enable-source-maps --require /tmp/old/leakaudit-probe.cjs' });
      expect(env.NODE_OPTIONS).toBe(`--enable-source-maps --require ${probe.preloadPath}`);
      expect(env.LEAKAUDIT_PROBE_SOCKET).toBe(probe.socketPath);
    } finally {
      await probe.close();
    }
  });
});
