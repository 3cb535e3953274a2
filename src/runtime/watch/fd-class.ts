// What an open file descriptor is, from the target of its /proc/<pid>/fd/<n>
// link: "socket:[123]", "pipe:[45]", "anon_inode:[eventfd]", "/var/db/app.db-wal".

export const FD_CLASSES = [
  'file',
  'sqlite-db',
  'sqlite-wal',
  'sqlite-shm',
  'sqlite-journal',
  'socket',
  'pipe',
  'eventfd',
  'epoll',
  'timerfd',
  'inotify',
  'anon',
  'device',
  'other',
] as const;

export type FdClass = (typeof FD_CLASSES)[number];

/** File names SQLite (rusqlite, libsql, better-sqlite3, sqlite3) uses for databases by convention. */
const SQLITE_DB = /\.(?:db|sqlite|sqlite3|db3|sqlitedb)$/i;

/**
 * Classify an fd from its link target. `isSqliteFile` answers for regular
 * files whose name does not say (it may look at the header); it is only asked
 * about absolute paths outside /dev.
 */
export function classifyFdTarget(target: string, isSqliteFile?: (path: string) => boolean): FdClass {
  if (target.startsWith('socket:')) return 'socket';
  if (target.startsWith('pipe:')) return 'pipe';
  if (target.startsWith('anon_inode:')) {
    const what = target.slice('anon_inode:'.length).replace(/^\[|\]$/g, '');
    if (what === 'eventfd') return 'eventfd';
    if (what === 'eventpoll') return 'epoll';
    if (what === 'timerfd') return 'timerfd';
    if (what === 'inotify') return 'inotify';
    return 'anon';
  }
  if (!target.startsWith('/')) return 'other'; // e.g. "net:[4026531840]", "mnt:[...]"
  if (target.startsWith('/dev/') && !target.startsWith('/dev/shm/')) return 'device';
  const path = target.endsWith(' (deleted)') ? target.slice(0, -' (deleted)'.length) : target;
  if (path.endsWith('-wal')) return 'sqlite-wal';
  if (path.endsWith('-shm')) return 'sqlite-shm';
  if (path.endsWith('-journal')) return 'sqlite-journal';
  if (SQLITE_DB.test(path)) return 'sqlite-db';
  if (isSqliteFile?.(path)) return 'sqlite-db';
  return 'file';
}
