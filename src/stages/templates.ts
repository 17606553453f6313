/**
 * Names for new stages. The cells themselves come from the engine
 * (`STAGE_TEMPLATES`, `sqlStageSource`): it writes the name, views and
 * environments with its stage-options writer, so they read back in Arc
 * exactly as given.
 */

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

/** The name a new stage of a type starts from: `DeltaLakeLoad` → `delta_lake_load`. */
export function templateBaseName(type: string): string {
  return type.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
}
