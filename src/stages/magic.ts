/**
 * New `%sql` stage cells. Editing the options of existing stages goes
 * through the stage engine (readStageOptions / writeStageOptions), which
 * reads a magic line exactly as Arc does.
 */

/** A magic-line value: quoted when it holds spaces or quotes (names Arcade generates never do). */
function quote(value: string): string {
  return /[\s"']/.test(value) || value === ''
    ? `"${value.replace(/"/g, "'")}"`
    : value;
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
