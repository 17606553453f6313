import type { Output } from '../../src/logger';

/** Collects what the CLI would print. */
export class MemoryOutput implements Output {
  stdout = '';
  stderr = '';

  line(text: string): void {
    this.stdout += `${text}\n`;
  }

  write(text: string): void {
    this.stdout += text;
  }

  error(text: string): void {
    this.stderr += `${text}\n`;
  }
}
