// One sample of a process and all its descendants: /proc readings summed over
// the tree, plus the Node probe's counts when the target was started by us.
import { FD_CLASSES } from './fd-class.js';
import { ProcAccessError, readProcess, type ProcessReading } from './proc-reader.js';
import type { NodeProbeServer } from './probe-server.js';
import { SqliteSniffer } from './sqlite-sniffer.js';

export interface TreeReading {
  /** The root process, or undefined when it no longer exists. */
  root?: ProcessReading;
  /** Every live process of the tree, root first. */
  processes: ProcessReading[];
  /** Metric name to value (see metrics.ts). */
  values: Record<string, number>;
  /** True when every Node probe of the tree answered (node:* metrics are complete). */
  probed: boolean;
  /** Descendants whose fd table could not be read (other user). */
  unreadable: number[];
}

export class TreeSampler {
  private readonly sniffer = new SqliteSniffer();
  /** Every process ever seen in the tree, pid to start time: what cleanup must not leave behind. */
  readonly seen = new Map<number, number>();

  constructor(
    readonly rootPid: number,
    private readonly probe?: NodeProbeServer,
    private readonly probeTimeoutMs = 500,
  ) {}

  async sample(): Promise<TreeReading> {
    const root = await readProcess(this.rootPid, this.sniffer);
    if (!root) return { processes: [], values: {}, probed: false, unreadable: [] };
    if (root.fdError === 'EACCES' || root.fdError === 'EPERM') throw new ProcAccessError(this.rootPid, root.uid);
    const processes = [root];
    const unreadable: number[] = [];
    let frontier = root.children;
    const visited = new Set([root.pid]);
    while (frontier.length > 0) {
      const level = (await Promise.all(frontier.filter((p) => !visited.has(p)).map((pid) => readProcess(pid, this.sniffer)))).filter(
        (r): r is ProcessReading => r !== undefined,
      );
      frontier = [];
      for (const reading of level) {
        visited.add(reading.pid);
        processes.push(reading);
        if (reading.fdError) unreadable.push(reading.pid);
        frontier.push(...reading.children);
      }
    }
    for (const p of processes) this.seen.set(p.pid, p.startTime);
    const values = sumTree(processes);
    let probed = false;
    if (this.probe && root.state !== 'Z') {
      const live = new Set(processes.filter((p) => p.state !== 'Z').map((p) => p.pid));
      const counts = await this.probe.query(live, this.probeTimeoutMs);
      probed = counts.answered.size > 0 && counts.missing === 0;
      if (probed) {
        Object.assign(values, counts.values);
        // The probes' own sockets are not the target's fds (read before the query, so clamp).
        const own = Math.min(counts.probeSockets, values['fds.socket'] ?? 0);
        values['fds.socket'] = (values['fds.socket'] ?? 0) - own;
        values.fds = (values.fds ?? 0) - own;
      }
    }
    return { root, processes, values, probed, unreadable };
  }
}

export function sumTree(processes: readonly ProcessReading[]): Record<string, number> {
  const values: Record<string, number> = { fds: 0 };
  for (const cls of FD_CLASSES) values[`fds.${cls}`] = 0;
  let threads = 0;
  let rss = 0;
  let zombies = 0;
  for (const p of processes) {
    if (p.state === 'Z') {
      if (p !== processes[0]) zombies++;
      continue;
    }
    threads += p.threads;
    rss += p.rssBytes;
    if (!p.fds) continue;
    for (const cls of FD_CLASSES) {
      values[`fds.${cls}`]! += p.fds[cls];
      values.fds! += p.fds[cls];
    }
  }
  values.threads = threads;
  values.rss = rss;
  values.children = processes.length - 1;
  values.zombies = zombies;
  return values;
}
