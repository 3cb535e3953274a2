// Reads one process from /proc without stopping it: status, stat, the fd
// table (readdir + readlink) and the children of each thread. Everything is
// async (libuv thread pool) and nothing here takes the target's mmap lock
// (no smaps/maps), so sampling never blocks the watched process.
import { open, readdir, readlink, type FileHandle } from 'node:fs/promises';
import { classifyFdTarget, type FdClass } from './fd-class.js';
import type { SqliteSniffer } from './sqlite-sniffer.js';

export interface ProcessReading {
  pid: number;
  ppid: number;
  name: string;
  /** One-letter state from /proc/<pid>/stat: R, S, D, Z (zombie), T, X... */
  state: string;
  /** Clock ticks since boot at process start: with the pid, identifies a process across pid reuse. */
  startTime: number;
  /** Exit status word of a zombie (wait(2) encoding), when readable. */
  exitStatus?: number;
  uid: number;
  threads: number;
  rssBytes: number;
  /** Open fds by class, or undefined when the fd table could not be read. */
  fds?: Record<FdClass, number>;
  fdError?: string;
  children: number[];
}

/** Reading /proc/<pid>/fd was refused: another user's process without CAP_SYS_PTRACE. */
export class ProcAccessError extends Error {
  constructor(
    readonly pid: number,
    readonly ownerUid: number,
  ) {
    super(`permission denied reading /proc/${pid}/fd: pid ${pid} belongs to uid ${ownerUid}, this process runs as uid ${process.getuid?.() ?? '?'}; run leakaudit as that user (or with CAP_SYS_PTRACE)`);
  }
}

const FD_BATCH = 256;

/** Returns undefined when the process no longer exists. */
export async function readProcess(pid: number, sniffer: SqliteSniffer): Promise<ProcessReading | undefined> {
  const [statText, statusText] = await Promise.all([readText(`/proc/${pid}/stat`), readText(`/proc/${pid}/status`)]);
  if (statText === undefined || statusText === undefined) return undefined;
  const stat = parseStat(statText);
  const status = parseStatus(statusText);
  const reading: ProcessReading = {
    pid,
    ppid: stat.ppid,
    name: stat.name,
    state: stat.state,
    startTime: stat.startTime,
    ...(stat.exitCode !== undefined && stat.state === 'Z' ? { exitStatus: stat.exitCode } : {}),
    uid: status.uid,
    threads: status.threads,
    rssBytes: status.rssBytes,
    children: [],
  };
  if (stat.state === 'Z' || stat.state === 'X') return reading;
  const [fds, children] = await Promise.all([readFds(pid, sniffer), readChildren(pid)]);
  if (fds === 'gone' || children === undefined) return undefined;
  if (typeof fds === 'string') reading.fdError = fds;
  else reading.fds = fds;
  reading.children = children;
  return reading;
}

async function readFds(pid: number, sniffer: SqliteSniffer): Promise<Record<FdClass, number> | string> {
  let names: string[];
  try {
    names = await readdir(`/proc/${pid}/fd`);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ESRCH') return 'gone';
    return code ?? 'error';
  }
  const targets: string[] = [];
  for (let i = 0; i < names.length; i += FD_BATCH) {
    const batch = await Promise.all(names.slice(i, i + FD_BATCH).map((fd) => readlink(`/proc/${pid}/fd/${fd}`).catch(() => undefined)));
    for (const t of batch) if (t !== undefined) targets.push(t); // an fd closed between readdir and readlink is simply gone
  }
  const files = targets.filter((t) => classifyFdTarget(t) === 'file');
  if (files.length > 0) await sniffer.learn(files.map((t) => t.replace(/ \(deleted\)$/, '')));
  const counts = emptyFdCounts();
  for (const t of targets) counts[classifyFdTarget(t, (p) => sniffer.isSqlite(p))]++;
  return counts;
}

async function readChildren(pid: number): Promise<number[] | undefined> {
  let tids: string[];
  try {
    tids = await readdir(`/proc/${pid}/task`);
  } catch {
    return undefined;
  }
  const lists = await Promise.all(tids.map((tid) => readText(`/proc/${pid}/task/${tid}/children`)));
  const children = new Set<number>();
  for (const list of lists) {
    for (const word of (list ?? '').split(/\s+/)) if (word) children.add(Number(word));
  }
  return [...children];
}

export function emptyFdCounts(): Record<FdClass, number> {
  return {
    file: 0,
    'sqlite-db': 0,
    'sqlite-wal': 0,
    'sqlite-shm': 0,
    'sqlite-journal': 0,
    socket: 0,
    pipe: 0,
    eventfd: 0,
    epoll: 0,
    timerfd: 0,
    inotify: 0,
    anon: 0,
    device: 0,
    other: 0,
  };
}

export interface ParsedStat {
  name: string;
  state: string;
  ppid: number;
  /** Process group id. */
  pgrp: number;
  startTime: number;
  exitCode?: number;
}

/** /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may hold spaces and parentheses, so split after the last ')'. */
export function parseStat(text: string): ParsedStat {
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  const fields = text.slice(close + 2).trim().split(/\s+/); // fields[0] is field 3 (state)
  const exit = fields[52 - 3];
  return {
    name: text.slice(open + 1, close),
    state: fields[0] ?? '?',
    ppid: Number(fields[1]),
    pgrp: Number(fields[2]),
    startTime: Number(fields[22 - 3]),
    ...(exit !== undefined ? { exitCode: Number(exit) } : {}),
  };
}

export function parseStatus(text: string): { threads: number; rssBytes: number; uid: number } {
  const field = (name: string): string | undefined => new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(text)?.[1];
  return {
    threads: Number(field('Threads') ?? 0),
    rssBytes: Number((field('VmRSS') ?? '0 kB').split(/\s+/)[0]) * 1024,
    uid: Number((field('Uid') ?? '0').split(/\s+/)[0]),
  };
}

/**
 * Read a small /proc file with three calls (open, read, close): readFile adds
 * an fstat, which on /proc says nothing (size 0) and costs a thread-pool trip.
 */
async function readText(path: string): Promise<string | undefined> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(path, 'r');
    const chunks: Buffer[] = [];
    for (;;) {
      const buffer = Buffer.allocUnsafe(PROC_READ_CHUNK);
      const { bytesRead } = await handle.read(buffer, 0, PROC_READ_CHUNK, null);
      if (bytesRead === 0) break;
      chunks.push(buffer.subarray(0, bytesRead));
      if (bytesRead < PROC_READ_CHUNK) break;
    }
    return Buffer.concat(chunks).toString('utf8');
  } catch {
    return undefined;
  } finally {
    await handle?.close().catch(() => undefined);
  }
}

const PROC_READ_CHUNK = 8192;
