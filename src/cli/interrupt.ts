// SIGINT / SIGTERM during an audit: stop at once with a short note and the
// conventional exit code (130 / 143). Nothing half-written is left behind:
// reports are written only at the end, cache entries by atomic rename.
import { EXIT } from './errors.js';

export function exitOnInterrupt(onInterrupt: () => void = () => {}): () => void {
  const handler = (signal: NodeJS.Signals): void => {
    onInterrupt();
    process.stderr.write(`\nleakaudit: interrupted by ${signal}; no report written\n`);
    process.exit(signal === 'SIGINT' ? EXIT.sigint : EXIT.sigterm);
  };
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
