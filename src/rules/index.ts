// Every rule, by id (alphabetical). The id is the docs anchor, SARIF ruleId and suppression key.
import type { Rule } from './types.js';
import { actorNeverStopped } from './actor-never-stopped/rule.js';
import { channelUnbounded } from './channel-unbounded/rule.js';
import { connectionClosedOnlyOnSuccess } from './connection-closed-only-on-success/rule.js';
import { connectionPerOperation } from './connection-per-operation/rule.js';
import { handleNeverReleased } from './handle-never-released/rule.js';
import { listenerNeverRemoved } from './listener-never-removed/rule.js';
import { storageDualStack } from './storage-dual-stack/rule.js';
import { taskReferenceDropped } from './task-reference-dropped/rule.js';
import { taskUnstoppable } from './task-unstoppable/rule.js';

export const RULES: readonly Rule[] = [
  actorNeverStopped,
  channelUnbounded,
  connectionClosedOnlyOnSuccess,
  connectionPerOperation,
  handleNeverReleased,
  listenerNeverRemoved,
  storageDualStack,
  taskReferenceDropped,
  taskUnstoppable,
];

export function ruleById(id: string): Rule | undefined {
  return RULES.find((r) => r.meta.id === id);
}
