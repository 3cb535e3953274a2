// Findings in example and demo programs and in hand-run scripts: the project shows there how to use it, and a leak in
// one is worth knowing (readers copy it), but a demo is started by hand and does not run as the
// project's service, so what it does per call is not what the project does per operation.
import { exampleDirOf } from '../discover/language.js';
import type { Finding, Priority } from './finding.js';

/** The finding's priority and evidence once the example-code cap is applied (at most P2). */
export function capExampleCode(f: Pick<Finding, 'priority' | 'evidence' | 'location'>): { priority: Priority; evidence: string[] } {
  const dir = f.priority === 'P2' ? undefined : exampleDirOf(f.location.path);
  if (!dir) return { priority: f.priority, evidence: f.evidence };
  return {
    priority: 'P2',
    evidence: [
      ...f.evidence,
      /^scripts?$/.test(dir)
        ? `\`${f.location.path}\` is a script (under \`${dir}/\`): run by hand for one chore, it ends when that is done, so what it holds lives as long as one run: at most P2`
        : `\`${f.location.path}\` is example code (under \`${dir}/\`): a demo started by hand, not the project's own runtime, so at most P2`,
    ],
  };
}
