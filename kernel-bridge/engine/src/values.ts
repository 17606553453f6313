import { ArcadeError } from './errors';

/** A JSON object (not null, not an array), as request bodies and notebook metadata are read. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The kernelspec name Arc's notebook reader requires (`metadata.kernelspec.name`). */
export const ARC_KERNEL_NAME = 'arc';

/** True for a notebook `metadata.kernelspec` that names the Arc kernel. */
export function isArcKernelspec(kernelspec: unknown): boolean {
  return isRecord(kernelspec) && kernelspec.name === ARC_KERNEL_NAME;
}

/** True for a notebook's text whose JSON names the Arc kernelspec; false for anything else. */
export function isArcNotebookText(text: string | null): boolean {
  if (text === null) {
    return false;
  }
  try {
    const parsed: unknown = JSON.parse(text);
    return (
      isRecord(parsed) &&
      isRecord(parsed.metadata) &&
      isArcKernelspec(parsed.metadata.kernelspec)
    );
  } catch {
    return false;
  }
}

/** Parses `NAME=value` as given to `--var` (the value may hold `=`). */
export function parseVar(text: string): [string, string] {
  const equals = text.indexOf('=');
  if (equals <= 0) {
    throw new ArcadeError('usage', `invalid --var "${text}"`, {
      hint: 'write --var NAME=value'
    });
  }
  return [text.slice(0, equals), text.slice(equals + 1)];
}

/**
 * Why Arc 3.7 cannot take `value` as a `--NAME=value` argument, or null. Arc
 * serialises its arguments to JSON, removes every backslash and parses the
 * result as HOCON, so a `"` or `\\` would end the value's string early and
 * change the job's configuration; a line break splits an argument file.
 */
export function argumentValueProblem(
  name: string,
  value: string
): string | null {
  if (value.includes('"')) {
    return `the value of ${name} contains a double quote, which Arc 3.7 cannot take in an argument`;
  }
  if (value.includes('\\')) {
    return `the value of ${name} contains a backslash, which Arc 3.7 removes from its arguments`;
  }
  if (/[\n\r\0]/.test(value)) {
    return `the value of ${name} contains a line break`;
  }
  return null;
}
