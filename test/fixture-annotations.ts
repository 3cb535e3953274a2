// Reads semgrep-style expectations from fixture comments:
//   // ruleid: <id>      the next code line must be reported by <id>
//   // ok: <id>          the next code line must not be reported by <id>
//   // todoruleid: <id>  a known miss (not asserted)
//   // todook: <id>      a known false alarm (not asserted)
//   // ruleid: <id> P2   ... and reported at that priority
// `#` comments work the same for languages that use them.

export interface Expectation {
  kind: 'ruleid' | 'ok' | 'todoruleid' | 'todook';
  ruleId: string;
  /** The line the expectation is about (1-based). */
  line: number;
  /** The annotation's own line. */
  annotationLine: number;
  /** Expected priority, when the annotation names one. */
  priority?: 'P0' | 'P1' | 'P2';
}

const ANNOTATION = /(?:\/\/|#|\/\*)\s*(todoruleid|todook|ruleid|ok):\s*([a-z0-9-]+(?:\s*,\s*[a-z0-9-]+)*)(?:\s+(P[012])\b)?/;

export function readExpectations(source: string): Expectation[] {
  const lines = source.split(/\r\n|\r|\n/);
  const out: Expectation[] = [];
  lines.forEach((text, i) => {
    const m = ANNOTATION.exec(text);
    if (!m) return;
    const trailing = text.slice(0, m.index).trim() !== '';
    let target = i + 1;
    if (!trailing) {
      target = i + 2;
      while (target <= lines.length && isSkippable(lines[target - 1]!)) target++;
    }
    for (const ruleId of m[2]!.split(',').map((s) => s.trim())) {
      out.push({ kind: m[1] as Expectation['kind'], ruleId, line: target, annotationLine: i + 1, ...(m[3] ? { priority: m[3] as Expectation['priority'] } : {}) });
    }
  });
  return out;
}

function isSkippable(text: string): boolean {
  const t = text.trim();
  return t === '' || t.startsWith('//') || t.startsWith('#[') || (t.startsWith('#') && !t.startsWith('#!')) || t.startsWith('/*') || t.startsWith('*');
}
