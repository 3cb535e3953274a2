// orchestrator (fixed): the service with the resource-leak audit's remediation applied.
// Shutdown stops everything it started, so the process exits on its own.
import { loadConfig } from './config.js';
import { Launcher } from './launcher.js';

async function startService(): Promise<Launcher | undefined> {
  let launcher: Launcher | undefined;
  try {
    const config = loadConfig();
    launcher = new Launcher(config);
    await launcher.start();
    console.log(`data in ${config.dataDir}`);
    return launcher;
  } catch (err) {
    console.error(`orchestrator failed to start: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
    await launcher?.shutdown();
    return undefined;
  }
}

const launcher = await startService();
if (launcher) {
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      console.log(`${signal}: shutting down`);
      launcher.shutdown().catch((err: unknown) => {
        console.error('shutdown failed:', err);
        process.exitCode = 1;
      });
    });
  }
}
