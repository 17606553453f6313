/** Writes user-facing CLI output; the product never uses `console`. */
export interface Output {
  /** A full line on stdout. */
  line(text: string): void;
  /** Text on stdout without a newline, for progress lines. */
  write(text: string): void;
  /** A full line on stderr. */
  error(text: string): void;
}

export const processOutput: Output = {
  line: text => {
    process.stdout.write(`${text}\n`);
  },
  write: text => {
    process.stdout.write(text);
  },
  error: text => {
    process.stderr.write(`${text}\n`);
  }
};
