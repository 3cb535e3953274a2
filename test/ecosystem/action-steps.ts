// Reads the steps of this repository's composite action.yml (its own, fixed
// layout: steps at four spaces, their keys at six, env and block scalars at
// eight), so tests can lint them as a workflow job and run its shell steps.

export interface ActionStep {
  name: string;
  /** The step's lines, as written. */
  text: string;
  uses?: string;
  shell?: string;
  workingDirectory?: string;
  env: Record<string, string>;
  run?: string;
}

/** The names under the top-level `inputs:`. */
export function actionInputs(action: string): string[] {
  const block = topLevelBlock(action, 'inputs');
  return [...block.matchAll(/^ {2}([\w-]+):\s*$/gm)].map((m) => m[1]!);
}

/** The text of `runs.steps` (its items at four spaces). */
export function actionStepsText(action: string): string {
  const runs = topLevelBlock(action, 'runs');
  const at = runs.indexOf('\n  steps:\n');
  if (at < 0) throw new Error('action.yml: runs has no steps');
  return runs.slice(at + '\n  steps:\n'.length);
}

export function actionSteps(action: string): ActionStep[] {
  const chunks: string[][] = [];
  for (const line of actionStepsText(action).split('\n')) {
    if (line.startsWith('    - ')) chunks.push([`      ${line.slice(6)}`]);
    else if (line.startsWith('      ') || line.trim() === '') chunks.at(-1)?.push(line);
  }
  return chunks.map((lines) => parseStep(lines));
}

function parseStep(lines: string[]): ActionStep {
  const step: ActionStep = { name: '', text: lines.join('\n'), env: {} };
  for (let i = 0; i < lines.length; i++) {
    const m = /^ {6}([\w-]+):\s?(.*)$/.exec(lines[i]!);
    if (!m) continue;
    const [, key, value] = m;
    const children: string[] = [];
    while (i + 1 < lines.length && (lines[i + 1]!.startsWith('        ') || (lines[i + 1]!.trim() === '' && i + 2 < lines.length && lines[i + 2]!.startsWith('        ')))) children.push(lines[++i]!.slice(8));
    if (key === 'name') step.name = value!;
    else if (key === 'uses') step.uses = value!;
    else if (key === 'shell') step.shell = value!;
    else if (key === 'working-directory') step.workingDirectory = value!;
    else if (key === 'env') for (const c of children) step.env[c.slice(0, c.indexOf(':'))] = c.slice(c.indexOf(':') + 1).trim();
    else if (key === 'run') step.run = value === '|' ? `${children.join('\n')}\n` : value!;
  }
  return step;
}

/** `${{ inputs.x }}` and `${{ runner.temp }}` replaced; any other expression is an error here. */
export function evaluate(text: string, context: { inputs: Record<string, string>; runnerTemp: string }): string {
  return text.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_, expr: string) => {
    if (expr === 'runner.temp') return context.runnerTemp;
    const input = /^inputs\.([\w-]+)$/.exec(expr);
    if (input && input[1]! in context.inputs) return context.inputs[input[1]!]!;
    throw new Error(`cannot evaluate \${{ ${expr} }} here`);
  });
}

/** The defaults of the inputs. */
export function inputDefaults(action: string): Record<string, string> {
  const block = topLevelBlock(action, 'inputs');
  const out: Record<string, string> = {};
  let current: string | undefined;
  for (const line of block.split('\n')) {
    const name = /^ {2}([\w-]+):\s*$/.exec(line);
    if (name) current = name[1];
    const value = /^ {4}default:\s*(.*)$/.exec(line);
    if (value && current) out[current] = value[1]!.replace(/^'(.*)'$/, '$1');
  }
  return out;
}

function topLevelBlock(text: string, key: string): string {
  const start = text.indexOf(`\n${key}:\n`);
  if (start < 0) throw new Error(`action.yml has no ${key}`);
  const rest = text.slice(start + key.length + 3);
  const end = rest.search(/\n\S/);
  return `\n${end < 0 ? rest : rest.slice(0, end)}\n`;
}
