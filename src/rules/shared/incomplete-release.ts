// A handle in a field that its owner "releases" with calls that do not finish the job:
// a child process killed in `Drop` but never waited for stays a zombie; one only polled
// with `try_wait` is neither stopped nor reaped while it runs.
import type { OwnedRelease, Project } from '../../analysis/project.js';
import type { ResourceModel } from '../../models/schema.js';

/**
 * What the field's releases leave undone, or undefined when they finish the job: teardowns
 * whose releases of the field are all incomplete (`Drop` kills, never waits), or only
 * incomplete releases anywhere. A complete release (a `wait`) in a method that is no teardown
 * does not help a teardown that runs without it; one teardown that finishes the job is enough.
 */
export function incompleteRelease(project: Project, model: ResourceModel, ownerType: string, releases: readonly OwnedRelease[]): { release: OwnedRelease; gap: string } | undefined {
  const incomplete = model.incompleteReleases;
  if (!incomplete || releases.length === 0) return undefined;
  const isIncomplete = (r: OwnedRelease): boolean => Object.hasOwn(incomplete, r.api);
  const teardowns = new Set((project.owners.get(ownerType)?.methods ?? []).filter((m) => m.teardown).map((m) => m.name));
  const byFn = new Map<string, OwnedRelease[]>();
  for (const r of releases) byFn.set(r.fn.name, [...(byFn.get(r.fn.name) ?? []), r]);
  // One teardown that finishes the job (a `Drop` that kills and waits) covers an API method that only kills.
  if ([...byFn].some(([fn, list]) => teardowns.has(fn) && !list.every(isIncomplete))) return undefined;
  for (const [fn, list] of byFn) {
    if (!teardowns.has(fn)) continue;
    const last = list.find((r) => r.api.includes('kill')) ?? list[0]!;
    return { release: last, gap: `\`${ownerType}::${fn}\` ${incomplete[last.api]}` };
  }
  if (releases.every(isIncomplete)) {
    const r = releases[0]!;
    return { release: r, gap: `\`${r.fn.name}()\` ${incomplete[r.api]}, and nothing else releases it` };
  }
  return undefined;
}
