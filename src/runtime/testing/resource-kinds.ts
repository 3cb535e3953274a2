// The async_hooks resource types a leak check follows, and the words a person
// uses for them. Promises, ticks and one-shot requests are not followed: they
// end by themselves and following them would cost more than it tells.

export type SurvivorKind =
  | 'interval'
  | 'timer'
  | 'socket'
  | 'server'
  | 'child-process'
  | 'worker'
  | 'file-handle'
  | 'watcher'
  | 'message-port'
  | 'listener'
  | 'fd';

const KIND_BY_TYPE: Record<string, SurvivorKind> = {
  Timeout: 'timer',
  TCPWRAP: 'socket',
  PIPEWRAP: 'socket',
  UDPWRAP: 'socket',
  TCPSERVERWRAP: 'server',
  PIPESERVERWRAP: 'server',
  PROCESSWRAP: 'child-process',
  WORKER: 'worker',
  FILEHANDLE: 'file-handle',
  FSEVENTWRAP: 'watcher',
  STATWATCHER: 'watcher',
  MESSAGEPORT: 'message-port',
};

export function isFollowedType(type: string): boolean {
  return type in KIND_BY_TYPE;
}

/** The kind of a followed resource; intervals are told from one-shot timers by their repeat period. */
export function kindOf(type: string, resource: unknown): SurvivorKind {
  const kind = KIND_BY_TYPE[type] ?? 'timer';
  if (kind === 'timer' && typeof (resource as { _repeat?: unknown } | undefined)?._repeat === 'number') return 'interval';
  return kind;
}

/** Node's names from process.getActiveResourcesInfo() mapped to the same kinds (for the hook-free count mode). */
export function kindOfActiveType(name: string): SurvivorKind | undefined {
  switch (name) {
    case 'Timeout':
      return 'timer';
    case 'TCPSocketWrap':
    case 'PipeWrap':
    case 'UDPWrap':
      return 'socket';
    case 'TCPServerWrap':
    case 'PipeServerWrap':
      return 'server';
    case 'ProcessWrap':
      return 'child-process';
    case 'Worker':
      return 'worker';
    case 'FileHandle':
      return 'file-handle';
    case 'FSEventWrap':
    case 'StatWatcher':
      return 'watcher';
    case 'MessagePort':
      return 'message-port';
    default:
      return undefined;
  }
}
