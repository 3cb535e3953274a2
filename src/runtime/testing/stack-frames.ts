// From a V8 stack to the frame a person should look at: the first one in
// user code, not in Node's internals, not in node_modules, not in leakaudit.
import { dirname, isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Frame {
  file: string;
  line: number;
  column: number;
  fn?: string;
}

const OWN_DIR = dirname(fileURLToPath(import.meta.url));
/** With --enable-source-maps, frames of the built library name its sources: src/ instead of dist/. */
const OWN_DIRS = [OWN_DIR, OWN_DIR.replace(/\/dist\/runtime\/testing$/, '/src/runtime/testing')];

/** Parse the "    at fn (file:line:col)" lines of an Error stack. */
export function parseStack(stack: string): Frame[] {
  const frames: Frame[] = [];
  for (const raw of stack.split('\n')) {
    const line = raw.trim();
    if (!line.startsWith('at ')) continue;
    const body = line.slice(3).replace(/^async /, '');
    const withFn = /^(.*?) \((.*):(\d+):(\d+)\)$/.exec(body);
    const bare = withFn ? undefined : /^(.*):(\d+):(\d+)$/.exec(body);
    const location = withFn ? withFn.slice(2) : bare?.slice(1);
    if (!location) continue;
    const file = toPath(location[0]!);
    const fn = withFn?.[1];
    frames.push({ file, line: Number(location[1]), column: Number(location[2]), ...(fn ? { fn } : {}) });
  }
  return frames;
}

function toPath(file: string): string {
  if (file.startsWith('file://')) {
    try {
      return fileURLToPath(file);
    } catch {
      return file;
    }
  }
  return file;
}

/** True for frames of the code under test (not Node, not dependencies, not this library). */
export function isUserFrame(frame: Frame): boolean {
  const file = frame.file;
  if (!isAbsolute(file)) return false; // node:internal/..., <anonymous>, evalmachine
  if (file.includes('/node_modules/')) return false;
  return !OWN_DIRS.some((dir) => file.startsWith(`${dir}/`));
}

export function firstUserFrame(frames: readonly Frame[]): Frame | undefined {
  return frames.find(isUserFrame);
}
