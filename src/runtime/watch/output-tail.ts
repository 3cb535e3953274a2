// The last lines a process printed, for error messages, bounded in memory.

export class OutputTail {
  private readonly kept: string[] = [];
  private partial = '';

  constructor(private readonly max: number) {}

  push(chunk: Buffer | string): void {
    const text = this.partial + chunk.toString();
    const lines = text.split('\n');
    this.partial = lines.pop() ?? '';
    if (this.partial.length > 4096) this.partial = this.partial.slice(-4096);
    for (const line of lines) this.keep(line);
  }

  lines(): string[] {
    return this.partial ? [...this.kept, this.partial].slice(-this.max) : [...this.kept];
  }

  private keep(line: string): void {
    this.kept.push(line.length > 500 ? `${line.slice(0, 500)}…` : line);
    if (this.kept.length > this.max) this.kept.shift();
  }
}
