// Raw file descriptors (fs.openSync, native addons) that no async_hooks
// resource represents: the process's own fd table before and after a check.
// Linux only; elsewhere this is an empty snapshot.
import { readdir, readlink } from 'node:fs/promises';
import { classifyFdTarget, type FdClass } from '../watch/fd-class.js';

export interface OpenFd {
  fd: number;
  target: string;
  cls: FdClass;
}

export async function snapshotFds(): Promise<Map<number, OpenFd>> {
  const fds = new Map<number, OpenFd>();
  if (process.platform !== 'linux') return fds;
  let names: string[];
  try {
    names = await readdir('/proc/self/fd');
  } catch {
    return fds;
  }
  await Promise.all(
    names.map(async (name) => {
      const target = await readlink(`/proc/self/fd/${name}`).catch(() => undefined);
      if (target !== undefined) fds.set(Number(name), { fd: Number(name), target, cls: classifyFdTarget(target) });
    }),
  );
  return fds;
}

/**
 * Fds open now that were not open before, except those the handle tracking
 * reports better, and the directory listing itself.
 */
/** Classes the handle tracking already reports with a creation site: sockets, pipes, a worker's event loop, fs.watch. */
const HANDLE_CLASSES = new Set<FdClass>(['socket', 'pipe', 'eventfd', 'epoll', 'inotify']);

export function newFds(before: ReadonlyMap<number, OpenFd>, after: ReadonlyMap<number, OpenFd>): OpenFd[] {
  const out: OpenFd[] = [];
  for (const [fd, open] of after) {
    const old = before.get(fd);
    if (old && old.target === open.target) continue;
    if (HANDLE_CLASSES.has(open.cls) || open.target === '/proc/self/fd' || open.target.startsWith(`/proc/${process.pid}/fd`)) continue;
    out.push(open);
  }
  return out;
}
