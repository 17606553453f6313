/** Helpers and sample cells shared by the stage options tests. */

import { compileNotebookJson } from '../src/compile';
import {
  readStageOptions,
  StageOptionsError,
  writeStageOptions
} from '../src/options';
import type {
  JsonObject,
  JsonValue,
  OptionValue,
  StageOptions
} from '../src/types';

/**
 * A cell's stage options as the form sees them: null for a cell that is not a
 * stage or one the form cannot edit (it holds two stages, and says why).
 */
export function formOptions(source: string): StageOptions | null {
  try {
    return readStageOptions(source);
  } catch (error) {
    expect(error).toBeInstanceOf(StageOptionsError);
    return null;
  }
}

/** The stage Arc makes of one cell. */
export function stage(source: string): JsonObject {
  const compiled = compileNotebookJson({
    metadata: { kernelspec: { name: 'arc' } },
    cells: [{ cell_type: 'code', source: [source] }]
  });
  expect(compiled.job.stages).toHaveLength(1);
  return compiled.job.stages[0] ?? {};
}

export function read(source: string): StageOptions {
  const options = readStageOptions(source);
  if (options === null) {
    throw new Error('expected a stage cell');
  }
  return options;
}

export function values(source: string): Record<string, JsonValue> {
  return Object.fromEntries(read(source).options.map(o => [o.key, o.value]));
}

export function refusal(
  source: string,
  changes: Record<string, OptionValue | null>
): StageOptionsError {
  try {
    writeStageOptions(source, changes);
  } catch (error) {
    if (error instanceof StageOptionsError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected a StageOptionsError');
}

/** The part of `before` that `after` replaced: [start, end) in `before`. */
export function changedSpan(before: string, after: string): [number, number] {
  let start = 0;
  while (
    start < before.length &&
    start < after.length &&
    before[start] === after[start]
  ) {
    start++;
  }
  let end = 0;
  while (
    end < before.length - start &&
    end < after.length - start &&
    before[before.length - 1 - end] === after[after.length - 1 - end]
  ) {
    end++;
  }
  return [start, before.length - end];
}

/** Asserts the edit touched nothing outside [from, to) of `before`. */
export function expectChangeWithin(
  before: string,
  after: string,
  from: number,
  to: number
): void {
  const [start, end] = changedSpan(before, after);
  expect(start).toBeGreaterThanOrEqual(from);
  expect(end).toBeLessThanOrEqual(to);
}

export function span(source: string, key: string): [number, number] {
  const option = read(source).options.find(o => o.key === key);
  if (option === undefined) {
    throw new Error(`no option ${key}`);
  }
  return [option.start, option.end];
}

export const MAGIC =
  '%sql name="step one" outputView=x environments=dev,test persist=true sqlParams=a=${X}\nSELECT 1 AS a';
export const HOCON = `{
  "type": "DelimitedExtract",
  "name": "extract customers",
  "environments": ["dev", "test"],
  "inputURI": \${ETL_CONF_DATA}"/customers.csv",
  "outputView": "customers_raw",
  "header": true,
  "numPartitions": 4,
  "authentication": {"method": "AmazonIAM"}
}`;
