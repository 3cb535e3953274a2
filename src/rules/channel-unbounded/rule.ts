// channel-unbounded: an unbounded channel or subscription queue; bounded ones
// (tokio broadcast is a ring buffer) are counted, not reported.
import type { Rule } from '../types.js';
import { symbolOf } from '../../analysis/project.js';
import { isTestCode, acquisitionSite, locationOf } from '../shared/describe.js';

export const channelUnbounded: Rule = {
  meta: {
    id: 'channel-unbounded',
    summary: 'An unbounded channel: if its receiver falls behind or stops receiving, every message queues in memory.',
    kinds: ['channel', 'subscription'],
    defaultPriority: 'P2',
    precision: 'medium',
    tags: ['memory', 'channel', 'backpressure'],
    messages: { unbounded: '`{api}` in `{symbol}()` creates an unbounded queue: nothing limits it if the receiver falls behind' },
  },
  check(ctx) {
    for (const ref of ctx.project.acquisitions) {
      const a = ref.acquisition;
      if (a.kind !== 'channel' && a.kind !== 'subscription') continue;
      const model = ctx.project.models.get(a.modelId);
      if (!model || model.role !== 'acquire') continue;
      const line = a.site.startLine;
      if (model.bounded !== false) {
        ctx.note({ counter: 'bounded', path: ref.file.path, line, detail: `${a.api}: ${model.cost?.summary ?? 'bounded by design'}` });
        continue;
      }
      if (isTestCode(ref)) continue;
      const symbol = symbolOf(a);
      ctx.report({
        ruleId: 'channel-unbounded',
        messageId: 'unbounded',
        ...acquisitionSite(ref),
        priority: 'P2',
        confidence: 'medium',
        message: `\`${a.api}\` in \`${symbol}()\` creates an unbounded queue: nothing limits it if the receiver falls behind`,
        evidence: [
          `${model.description}`,
          'senders never wait: a slow or stopped receiver turns every message into retained memory',
        ],
        growth: '+1 queued message per send the receiver has not taken yet',
        impact: model.cost?.summary ?? 'memory grows with the backlog',
        remediation: model.remediation ?? 'Use a bounded channel.',
        related: [],
      });
    }
  },
};
