// A loop whose only ways out are stop checks, with a `continue` ahead of all of them: on the
// rounds that take the `continue` the stop check is never reached, so a stop asked for while
// that path keeps being taken (waiting for a peer that never comes back, an empty queue) is
// never seen. Whether the path can be taken for ever is not seen: reported at P2.
import type { BodyFacts } from '../../facts/types.js';
import type { ResourceModel } from '../../models/schema.js';
import { releasesOfField, symbolOf, type AcquisitionRef } from '../../analysis/project.js';
import { describeFate, growthOf, acquisitionSite, locationOf } from '../shared/describe.js';
import type { RuleContext } from '../types.js';

export function reportSkippedExit(ctx: RuleContext, ref: AcquisitionRef, body: BodyFacts, model: ResourceModel, bodyPath: string): boolean {
  const { acquisition: a, file } = ref;
  const skipped = body.exitsSkipped;
  if (!skipped) return false;
  const fate = a.handle;
  // A handle that is aborted or awaited does not depend on the loop's own stop check alone.
  if (fate.kind === 'released-locally' || fate.kind === 'awaited' || fate.kind === 'scoped') return false;
  if (fate.kind === 'field' && releasesOfField(ctx.project, fate.ownerType, fate.field, model.releases).length > 0) return false;
  const symbol = symbolOf(a);
  const loop = body.loopKind ?? 'loop';
  const at = bodyPath === file.path ? `line ${skipped.line}` : `${bodyPath}:${skipped.line}`;
  const handleType = model.handle ?? 'handle';
  ctx.report({
    ruleId: 'task-unstoppable',
    messageId: 'exitSkipped',
    ...acquisitionSite(ref),
    priority: 'P2',
    confidence: 'low',
    message: `\`${a.api}\` in \`${symbol}()\` starts a \`${loop}\` whose stop check a \`continue\` (${at}) can skip on every round`,
    evidence: [
      `the loop's only ways out are stop checks: ${body.exits.slice(0, 2).map((e) => `${e.detail} (line ${e.line})`).join('; ')}`,
      skipped.detail.replace(/at line \d+ starts/, `(${at}) starts`),
      `while that path is taken, a stop asked for is not seen; whether it can be taken for ever (a peer that never comes back, an idle queue) is not seen, so this is reported at P2`,
      describeFate(fate, handleType) + (model.dropReleases ? '' : `; dropping ${/^[aeiou]/i.test(handleType) ? 'an' : 'a'} ${handleType} does not stop the ${a.kind}`),
    ],
    growth: growthOf(a, a.kind === 'thread' ? 'thread' : 'task'),
    impact: model.cost?.summary ?? `one ${a.kind} and what it captured, for as long as it keeps skipping its stop check`,
    remediation: 'Check the stop signal on every round: put it before the `continue` (or `select!` on it while waiting), so no path starts the next round without it.',
    related: [],
  });
  return true;
}
