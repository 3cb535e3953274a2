// A run-once guard on a field that a stop path puts back: `show() { if (this.visible) return;
// this.visible = true; this.startRefresh() }` with `hide() { this.visible = false; this.stopRefresh() }`.
// What the guard lets through runs again only after the field is reset, and every reset also
// stops what was started, so the start never runs while its last handle is live.
import type { Project } from '../../analysis/project.js';

/**
 * Whether every method of `owner` that sets `flag` back (`FileFacts.flagResets`) also releases
 * the handle: it is one of `releasing` (the functions that clear it) or calls one of them on the
 * object. No reset at all is a guard that lets it through once per instance. `flag` as written (`this.visible`).
 */
export function resetOnlyWithRelease(project: Project, owner: string, flag: string, releasing: ReadonlySet<string>): boolean {
  for (const file of project.files) {
    for (const r of file.flagResets ?? []) {
      if (r.ownerType !== owner || r.flag !== flag || releasing.has(r.fn)) continue;
      const callsRelease = [...releasing].some((fn) => (project.callers.get(fn) ?? []).some((k) => !k.reference && k.caller === r.fn && k.callerOwner === owner && k.calleeOwner === owner));
      if (!callsRelease) return false;
    }
  }
  return true;
}
