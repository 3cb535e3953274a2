// A handle in a field that its owner "releases" with calls that do not finish the job:
// a child process killed in `Drop` but never waited for stays a zombie; one only polled
// with `try_wait` is neither stopped nor reaped while it runs.
import type { OwnedRelease, Project } from '../../analysis/project.js';
import type { CallFact } from '../../facts/types.js';
import type { ResourceModel } from '../../models/schema.js';

/**
 * What the field's releases leave undone, or undefined when they finish the job: teardowns
 * whose releases of the field are all incomplete (`Drop` kills, never waits), or only
 * incomplete releases anywhere. A complete release (a `wait`) in a method that is no teardown
 * does not help a teardown that runs without it; one teardown that finishes the job is enough.
 */
export interface IncompleteRelease {
  release: OwnedRelease;
  gap: string;
  /**
   * A method of the owner that is no teardown finishes the job (`Process::wait` awaits the child),
   * and a user is seen calling a teardown of it and then that method: the owner leaves the rest to
   * its users. Whether every user does is not seen.
   */
  finishedBy?: { method: string; after: string; call?: { path: string; line?: number } };
}

export function incompleteRelease(project: Project, model: ResourceModel, ownerType: string, releases: readonly OwnedRelease[]): IncompleteRelease | undefined {
  const found = gapOf(project, model, ownerType, releases);
  if (!found) return undefined;
  const isIncomplete = (r: OwnedRelease): boolean => Object.hasOwn(model.incompleteReleases ?? {}, r.api);
  const teardowns = new Set((project.owners.get(ownerType)?.methods ?? []).filter((m) => m.teardown).map((m) => m.name));
  for (const r of releases) {
    if (isIncomplete(r) || teardowns.has(r.fn.name)) continue;
    // A call of that method from outside the method itself (`old_child.wait().await` after `kill()`).
    // A user seen calling a teardown of the owner and then that method (`old.kill(); old.wait().await`),
    // on a receiver of this owner or of unknown type.
    const ofOwner = (c: CallFact): boolean => !c.reference && (c.calleeOwner === ownerType || c.calleeOwner === '?') && c.callerOwner !== ownerType;
    const sameCaller = (a: CallFact, b: CallFact): boolean => a.caller === b.caller && a.callerOwner === b.callerOwner && project.fileOfCall.get(a) === project.fileOfCall.get(b);
    const stops = [...teardowns].flatMap((t) => (project.callers.get(t) ?? []).filter(ofOwner));
    const call = (project.callers.get(r.fn.name) ?? []).find((c) => ofOwner(c) && stops.some((s) => sameCaller(s, c)));
    const stop = call ? stops.find((s) => sameCaller(s, call)) : undefined;
    if (!call || !stop) continue;
    const path = project.fileOfCall.get(call);
    return { ...found, finishedBy: { method: r.fn.name, after: stop.callee, ...(path ? { call: { path, ...(call.line !== undefined ? { line: call.line } : {}) } } : {}) } };
  }
  return found;
}

function gapOf(project: Project, model: ResourceModel, ownerType: string, releases: readonly OwnedRelease[]): { release: OwnedRelease; gap: string } | undefined {
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
