/**
 * Reading and writing the options on an Arc magic line
 * (`%sql name=x outputView=y environments=dev,test`).
 */

export interface IMagicOption {
  key: string;
  value: string;
  /** Offsets of the whole `key=value` token within the line. */
  start: number;
  end: number;
}

export interface IMagicLine {
  magic: string;
  options: IMagicOption[];
}

const TOKEN = /\S+?=(?:"[^"]*"|'[^']*'|\S*)|\S+/g;

function unquote(value: string): string {
  const quoted = /^(["'])(.*)\1$/.exec(value);
  return quoted ? quoted[2] : value;
}

function quote(value: string): string {
  return /[\s"']/.test(value) || value === ''
    ? `"${value.replace(/"/g, "'")}"`
    : value;
}

/**
 * @returns the magic and its options, or null when the line is not a magic line.
 */
export function parseMagicLine(line: string): IMagicLine | null {
  const match = /^\s*(%[A-Za-z]+)/.exec(line);
  if (!match) {
    return null;
  }
  const options: IMagicOption[] = [];
  const rest = match[0].length;
  TOKEN.lastIndex = rest;
  let token: RegExpExecArray | null;
  while ((token = TOKEN.exec(line)) !== null) {
    const equals = token[0].indexOf('=');
    if (equals > 0) {
      options.push({
        key: token[0].slice(0, equals),
        value: unquote(token[0].slice(equals + 1)),
        start: token.index,
        end: token.index + token[0].length
      });
    }
  }
  return { magic: match[1], options };
}

/**
 * Set (or, with null, remove) one option on the cell's magic line, keeping
 * every other character of the cell as it was.
 *
 * @returns the new source; the source unchanged when it has no magic line.
 */
export function setMagicOption(
  source: string,
  key: string,
  value: string | null
): string {
  const newline = source.indexOf('\n');
  const line = newline === -1 ? source : source.slice(0, newline);
  const body = newline === -1 ? '' : source.slice(newline);
  const parsed = parseMagicLine(line);
  if (!parsed) {
    return source;
  }
  const existing = parsed.options.find(option => option.key === key);
  let next: string;
  if (existing) {
    next =
      value === null
        ? (
            line.slice(0, existing.start).replace(/\s+$/, '') +
            line.slice(existing.end)
          ).replace(/\s+$/, '')
        : line.slice(0, existing.start) +
          `${key}=${quote(value)}` +
          line.slice(existing.end);
  } else if (value === null) {
    next = line;
  } else {
    next = `${line.replace(/\s+$/, '')} ${key}=${quote(value)}`;
  }
  return next + body;
}

/**
 * A name not yet used by any of `existing`: `base`, then `base_2`, `base_3`…
 */
export function uniqueName(base: string, existing: Iterable<string>): string {
  const taken = new Set(existing);
  if (!taken.has(base)) {
    return base;
  }
  let n = 2;
  while (taken.has(`${base}_${n}`)) {
    n += 1;
  }
  return `${base}_${n}`;
}

export const DEFAULT_ENVIRONMENTS = ['dev', 'test', 'prod'];

/**
 * The source of a new `%sql` stage cell.
 */
export function sqlStageSource(options: {
  name: string;
  outputView: string;
  environments?: string[];
  inputView?: string | null;
}): string {
  const environments = (options.environments ?? DEFAULT_ENVIRONMENTS).join(',');
  const from = options.inputView ?? 'source_view';
  return (
    `%sql name=${quote(options.name)} outputView=${quote(options.outputView)} ` +
    `environments=${environments}\n` +
    `SELECT *\nFROM ${from}`
  );
}

/**
 * The one text change that sets options on a cell's magic line: only the
 * first line is replaced, so the body and collaborators' edits there stay.
 *
 * @returns null when the cell has no magic line or nothing changes.
 */
export function magicLineEdit(
  source: string,
  values: Record<string, string | null>
): { from: number; to: number; text: string } | null {
  const newline = source.indexOf('\n');
  const to = newline === -1 ? source.length : newline;
  const line = source.slice(0, to);
  if (parseMagicLine(line) === null) {
    return null;
  }
  let text = line;
  for (const [key, value] of Object.entries(values)) {
    text = setMagicOption(text, key, value);
  }
  return text === line ? null : { from: 0, to, text };
}

/**
 * The options a user edits in the stage options form, read from a magic line.
 */
export function magicOptions(source: string): Record<string, string> {
  const parsed = parseMagicLine(source.split('\n', 1)[0]);
  const options: Record<string, string> = {};
  for (const option of parsed?.options ?? []) {
    options[option.key] = option.value;
  }
  return options;
}
