// A watch that cannot start or cannot read its target ends with one line, never a stack.

export type WatchErrorKind = 'not-linux' | 'not-found' | 'permission' | 'start-failed' | 'usage';

export class WatchError extends Error {
  override readonly name = 'WatchError';

  constructor(
    readonly kind: WatchErrorKind,
    message: string,
  ) {
    super(message);
  }
}

export function assertLinux(platform: string = process.platform): void {
  if (platform !== 'linux') throw new WatchError('not-linux', `leakaudit watch reads /proc and needs Linux (this system is ${platform})`);
}
