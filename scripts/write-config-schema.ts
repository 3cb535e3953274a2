// Writes schema/leakaudit.config.schema.json from the zod config schema
// (`npm run schema`). test/ecosystem/config.test.ts fails when the file drifts.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configJsonSchema } from '../src/config/schema.js';

const out = join(import.meta.dirname, '..', 'schema', 'leakaudit.config.schema.json');
writeFileSync(out, `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
process.stdout.write(`wrote ${out}\n`);
