// A handle in a field that its owner "releases" with calls that do not finish the job:
// a child process killed in `Drop` but never waited for stays a zombie; one only polled
// with `try_wait` is neither stopped nor reaped while it runs.
import type { OwnedRelease, Project } from '../../analysis/project.js';
import type { ResourceModel } from '../../models/schema.js';

/**
 * What the field's releases leave undone, or undefined when they finish the job: a teardown
 * whose releases of the field are all incomplete (`Drop` kills, never waits), or only
 * incomplete releases anywhere. A complete release (a `wait`) in some other method does not
 * help a teardown that runs without it.
 */
export function incompleteRelease(project: Project, model: ResourceModel, ownerType: string, releases: readonly OwnedRelease[]): { release: OwnedRelease; gap: string } | undefined {
  const incomplete = model.incompleteReleases;
  if (!incomplete || releases.length === 0) return undefined;
  const isIncomplete = (r: OwnedRelease): boolean => Object.hasOwn(incomplete, r.api);
  const teardowns = new Set((project.owners.get(ownerType)?.methods ?? []).filter((m) => m.teardown).map((m) => m.name));
  const byFn = new Map<string, OwnedRelease[]>();
  for (const r of releases) byFn.set(r.fn.name, [...(byFn.get(r.fn.name) ?? []), r]);
  for (const [fn, list] of byFn) {
    if (!teardowns.has(fn) || !list.every(isIncomplete)) continue;
    const last = list.find((r) => r.api.includes('kill')) ?? list[0]!;
    return { release: last, gap: `\`${ownerType}::${fn}\` ${incomplete[last.api]}` };
  }
  if (releases.every(isIncomplete)) {
    const r = releases[0]!;
    return { release: r, gap: `\`${r.fn.name}()\` ${incomplete[r.api]}, and nothing else releases it` };
  }
  return undefined;
}
