// orchestrator (leaky): the service as the resource-leak audit found it.
import { loadConfig } from './config.js';
import { Launcher } from './launcher.js';

let launcher: Launcher;
try {
  const config = loadConfig();
  launcher = new Launcher(config);
  await launcher.start();
  console.log(`data in ${config.dataDir}`);
} catch (err) {
  console.error(`orchestrator failed to start: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    console.log(`${signal}: shutting down`);
    launcher.shutdown().then(
      // Something keeps the event loop alive after shutdown, so leave explicitly.
      () => process.exit(0),
      (err: unknown) => {
        console.error('shutdown failed:', err);
        process.exit(1);
      },
    );
  });
}
