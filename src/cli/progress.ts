// A one-line progress bar on stderr, only on a TTY outside CI and when not quiet.

export interface Progress {
  update(done: number, total: number, label: string): void;
  done(): void;
}

const NOOP: Progress = { update() {}, done() {} };

export function createProgress(enabled: boolean, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!enabled || !stream.isTTY || process.env.CI) return NOOP;
  let last = 0;
  let shown = false;
  return {
    update(done, total, label) {
      const now = Date.now();
      if (now - last < 80 && done < total) return;
      last = now;
      const width = 24;
      const filled = total === 0 ? width : Math.round((done / total) * width);
      const cols = stream.columns || 80; // 0 when the terminal does not say
      const head = `[${'='.repeat(filled)}${' '.repeat(width - filled)}] ${done}/${total} files `;
      const room = Math.max(0, cols - head.length - 1);
      const tail = label.length > room ? `…${label.slice(label.length - room + 1)}` : label;
      stream.write(`\r${head}${tail}\u001b[K`);
      shown = true;
    },
    done() {
      if (shown) stream.write('\r\u001b[K');
    },
  };
}
