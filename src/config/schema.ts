// The config file's schema (leakaudit.config.json, or the `leakaudit` key of
// package.json). One zod schema validates it and generates
// schema/leakaudit.config.schema.json for editors.
import { z } from 'zod';
import { ResourceModel } from '../models/schema.js';
import { RULES } from '../rules/index.js';

export const RULE_SETTINGS = ['off', 'on', 'P0', 'P1', 'P2'] as const;

const RuleSetting = z
  .enum(RULE_SETTINGS)
  .describe('"off" disables the rule; "on" keeps its own priorities; "P0", "P1" or "P2" reports all its findings at that priority.');

/** One optional property per rule, so editors complete rule ids and unknown ids are refused. */
const ruleShape = Object.fromEntries(RULES.map((r) => [r.meta.id, RuleSetting.optional().describe(r.meta.summary)]));

const Globs = z.array(z.string().min(1, 'an empty pattern matches nothing'));

export const LeakauditConfig = z
  .object({
    $schema: z.string().optional().describe('The JSON schema of this file, for editors.'),
    include: Globs.optional().describe('Only audit files matching these gitignore-style patterns (relative to the directory of this file).'),
    exclude: Globs.optional().describe('Skip files matching these gitignore-style patterns (relative to the directory of this file), on top of .gitignore.'),
    includeGenerated: z
      .boolean()
      .optional()
      .describe('Audit generated code too: bundles, minified scripts and files whose header says a tool generated them (skipped and listed by default).'),
    rules: z.object(ruleShape).strict().optional().describe('Per rule: "off", "on", or a priority override ("P0", "P1", "P2").'),
    failOn: z.enum(['P0', 'P1', 'P2', 'none']).optional().describe('Exit 1 when a finding at or above this priority is reported (default P1); --fail-on overrides it.'),
    models: z
      .array(ResourceModel)
      .optional()
      .describe('Your own resource models: APIs that spawn, connect, subscribe or start something, and the methods that release it. Treated like the built-in ones.'),
  })
  .strict()
  .describe('leakaudit configuration');

export type LeakauditConfig = z.infer<typeof LeakauditConfig>;

/** The JSON schema editors use (schema/leakaudit.config.schema.json is this, written by `npm run schema`). */
export function configJsonSchema(): object {
  return {
    ...z.toJSONSchema(LeakauditConfig, { io: 'input', target: 'draft-2020-12' }),
    title: 'leakaudit.config.json',
  };
}
