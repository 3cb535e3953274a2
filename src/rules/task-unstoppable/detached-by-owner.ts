// A task whose handle its owner keeps, but that the owner's going away only detaches: dropping
// a handle that does not stop its task on drop (tokio's JoinHandle) lets the task run on.
//
//  - the owner (or the value holding the owner in one of its fields) has a teardown, a Drop or
//    close/shutdown, that aborts none of it: the author meant to clean up, and this task is left
//    running after its owner is gone (a server task still bound to its port, a pending request);
//  - a loop that ends only on its own condition (a `select!` break, an error), kept in a field
//    that nothing aborts, by an owner with no teardown at all: dropping the owner without first
//    awaiting it leaves the loop running until that condition comes.
// Both are reported at P2: whether the task ends soon enough by itself is not seen.
import type { BodyFacts } from '../../facts/types.js';
import type { ResourceModel } from '../../models/schema.js';
import { releasesOfField, symbolOf, type AcquisitionRef, type MergedOwner } from '../../analysis/project.js';
import { growthOf, acquisitionSite, locationOf } from '../shared/describe.js';
import type { RuleContext } from '../types.js';

/** Exits that a dropped owner brings about: its senders dropped, its receivers gone, its token cancelled by the teardown. */
const ENDS_WITH_OWNER = new Set(['channel-closed', 'send-failed', 'cancellation', 'bounded']);

/** Reports and returns true when the acquisition's task is detached by its owner's going away. */
export function reportDetachedByOwner(ctx: RuleContext, ref: AcquisitionRef, body: BodyFacts, model: ResourceModel): boolean {
  const { acquisition: a, file } = ref;
  const fate = a.handle;
  if (fate.kind !== 'field' || a.kind !== 'task' || model.dropReleases || model.releases.length === 0) return false;
  const owner = ctx.project.owners.get(fate.ownerType);
  if (!owner) return false;
  const releases = releasesOfField(ctx.project, fate.ownerType, fate.field, model.releases);
  const fieldType = owner.fields.find((f) => f.name === fate.field)?.type ?? '';
  // Only a field whose type names the model's handle (`Vec<JoinHandle<..>>`): a wrapper that stops its
  // task on drop (an abort-on-drop handle, a JoinSet) or an unwritten type says nothing.
  if (!model.handle || !new RegExp(`\\b${escapeRegExp(model.handle)}\\b`).test(fieldType) || dropsStop(ctx, fieldType)) return false;
  const teardowns = owner.methods.filter((m) => m.teardown);
  const holders = teardowns.length > 0 ? [] : holdersWithTeardown(ctx, owner, model);
  // A loop that ends only on its own condition, whose owner has no Drop: a method that aborts it
  // (`abort()`, `join(self)`) stops it only when someone calls it; dropping the owner does not.
  const looping = body.longLived && !owner.hasDropImpl && body.exits.length > 0 && body.exits.every((e) => !ENDS_WITH_OWNER.has(e.kind));
  // A one-shot body needs a teardown that forgets it; a long-lived loop with no exit at all is the main rule's.
  const forgotten = !body.longLived && releases.length === 0 && (teardowns.length > 0 || holders.length > 0);
  if (!looping && !forgotten) return false;
  // The owner keeps a channel's sending side or a cancellation token: dropping (or its teardown
  // using) that is how such a task is told to end, which this does not follow.
  const signal = signalField(ctx, owner);
  if (signal) return false;

  const symbol = symbolOf(a);
  const where = `\`${fate.ownerType}.${fate.field}\``;
  const handleType = model.handle ?? 'handle';
  const evidence = [`the ${handleType} is kept in ${where} (line ${fate.line})`];
  const related: { path: string; line: number; message: string }[] = [];
  let message: string;
  if (forgotten) {
    const shown = teardowns.length > 0 ? teardowns.map((m) => ({ owner: owner.name, m })) : holders;
    const names = [...new Set(shown.map((t) => `\`${t.owner}::${t.m.name}\``))].slice(0, 3).join(', ');
    if (teardowns.length > 0) evidence.push(`\`${owner.name}\` has the teardown ${names}, and nothing calls ${model.releases.map((r) => `\`${r}\``).join('/')} on ${where} anywhere`);
    else evidence.push(`\`${owner.name}\` has no teardown; it is held by ${[...new Set(holders.map((h) => `\`${h.owner}.${h.field}\``))].slice(0, 3).join(', ')}, whose teardown ${names} drops it without calling ${model.releases.map((r) => `\`${r}\``).join('/')} on the tasks`);
    for (const t of shown.slice(0, 3)) related.push({ path: t.m.path, line: t.m.site.startLine, message: `teardown \`${t.owner}::${t.m.name}\` does not stop it` });
    message = `\`${a.api}\` in \`${symbol}()\` keeps a task in ${where} that ${names} never stops: dropping the ${handleType} detaches it`;
  } else if (releases.length > 0) {
    const r = releases[0]!;
    evidence.push(`\`${owner.name}\` has no Drop: \`${r.fn.name}()\` (${r.path}:${r.site.startLine}) calls \`${r.api}\` on ${where}, but only when someone calls it; dropping the \`${owner.name}\` instead does not`);
    related.push({ path: r.path, line: r.site.startLine, message: `\`${r.fn.name}()\` stops it only when called` });
    message = `\`${a.api}\` in \`${symbol}()\` keeps a looping task in ${where} that nothing stops when \`${owner.name}\` is dropped`;
  } else {
    evidence.push(`\`${owner.name}\` has no Drop, and nothing calls ${model.releases.map((r) => `\`${r}\``).join('/')} on ${where} anywhere`);
    message = `\`${a.api}\` in \`${symbol}()\` keeps a looping task in ${where} that nothing stops when \`${owner.name}\` is dropped`;
  }
  evidence.push(`dropping ${article(handleType)} ${handleType} does not stop the task: it is detached and runs on`);
  if (looping) {
    const exits = body.exits.slice(0, 2).map((e) => `${e.kind}: ${e.detail}`).join('; ');
    evidence.push(`the body loops (line ${body.loopLine ?? '?'}) and ends only on its own condition (${exits}); nothing the owner's dropping does brings that about, as far as the files read show`);
  } else {
    evidence.push('the body runs to completion: how long it runs after its owner is gone (a server future, a pending request) is not seen, so this is reported at P2');
  }
  ctx.report({
    ruleId: 'task-unstoppable',
    messageId: 'detachedByOwner',
    ...acquisitionSite(ref),
    priority: 'P2',
    confidence: 'low',
    message,
    evidence,
    growth: `${growthOf(a, 'task')}, each running on after its \`${owner.name}\` is dropped`,
    impact: model.cost?.summary ?? 'one task and everything it captured, after its owner is gone',
    remediation: `Call ${model.releases[0]}() on ${where} in \`${owner.name}\`'s Drop (or keep it in an abort-on-drop handle).`,
    related,
  });
  return true;
}

/** Owners that hold `owner` in a field (`DashMap<Id, State>`) and have a teardown that stops none of their tasks. */
function holdersWithTeardown(ctx: RuleContext, owner: MergedOwner, model: ResourceModel): { owner: string; field: string; m: MergedOwner['methods'][number] }[] {
  const found: { owner: string; field: string; m: MergedOwner['methods'][number] }[] = [];
  const word = new RegExp(`\\b${owner.name.replace(/[^\w]/g, '')}\\b`);
  for (const holder of ctx.project.owners.values()) {
    if (holder === owner) continue;
    const teardowns = holder.methods.filter((m) => m.teardown);
    if (teardowns.length === 0) continue;
    for (const f of holder.fields) {
      if (!f.type || !word.test(f.type)) continue;
      if (releasesOfField(ctx.project, holder.name, f.name, model.releases).length > 0) continue;
      for (const m of teardowns) found.push({ owner: holder.name, field: f.name, m });
    }
  }
  return found;
}

/** A field of the owner whose type is a channel's sending side or a cancellation token, as the models name them. */
function signalField(ctx: RuleContext, owner: MergedOwner): string | undefined {
  const words = new Set<string>();
  for (const m of ctx.project.models.models) {
    if (m.kind === 'channel' && m.role === 'acquire' && m.handle) {
      const sender = /^\(?\s*([A-Za-z_]\w*)/.exec(m.handle)?.[1];
      if (sender) words.add(sender);
    }
    if (m.role === 'cancellation') for (const call of m.acquire.calls) {
      const type = call.split('::').slice(-2, -1)[0];
      if (type && /^[A-Z]/.test(type)) words.add(type);
    }
  }
  if (words.size === 0) return undefined;
  const re = new RegExp(`\\b(${[...words].map(escapeRegExp).join('|')})\\b`);
  return owner.fields.find((f) => f.type && re.test(f.type))?.name;
}

function dropsStop(ctx: RuleContext, fieldType: string): boolean {
  return ctx.project.models.models.some((m) => m.role === 'handle-store' && m.dropReleases && !!m.handle && fieldType.includes(m.handle));
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function article(word: string): string {
  return /^[aeiou]/i.test(word) ? 'an' : 'a';
}
