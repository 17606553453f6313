/**
 * Differential test: the real Arc 3.7.0 (`ai.tripl.arc.ARC`, lintOnly) and
 * Arcade's compiler read the same notebooks; the stages Arc parsed (its
 * "lint" log lines) must equal Arcade's compile output field by field.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  compileNotebook,
  NotebookError,
  type CompileResponse
} from 'arcade-engine';
import {
  ARC_VARS,
  expectSameStages,
  requireArcJars,
  runArcAll,
  stageErrors,
  type ArcResult
} from './helpers';

const FIXTURES = path.resolve(__dirname, '../fixtures/notebooks/compile');
// Arcade's own notebooks with the defects real Arc jobs ship (%sqlvaildate,
// a load time from %env, uat-only stages, "numPartitions": 2 without a comma).
const DEFECTS = path.resolve(__dirname, '../fixtures/notebooks/defects');
const DEFECT_NOTEBOOKS = [
  'price_first_load.ipynb',
  'price_changes_load.ipynb',
  'price_scd2_merge.ipynb'
];

function compile(notebook: string): CompileResponse | Error {
  try {
    return compileNotebook(readFileSync(notebook, 'utf8'), {
      file: notebook,
      vars: ARC_VARS,
      complete: true
    });
  } catch (error) {
    return error as Error;
  }
}

const fixtures = readdirSync(FIXTURES)
  .filter(name => name.endsWith('.ipynb'))
  .map(name => path.join(FIXTURES, name));
// Listed by name, not found by listing the folder: a missing one fails.
const defects = DEFECT_NOTEBOOKS.map(name => path.join(DEFECTS, name));

describe('compile output equals what Arc 3.7.0 parses', () => {
  let results: Map<string, ArcResult>;

  beforeAll(async () => {
    requireArcJars();
    results = await runArcAll([...fixtures, ...defects]);
  }, 170_000);

  it('has the fixtures it needs', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(12);
    for (const file of defects) {
      if (!existsSync(file)) {
        throw new Error(`the defect notebook ${file} is missing`);
      }
    }
  });

  it.each([...fixtures, ...defects].map(f => [path.basename(f), f]))(
    '%s',
    (_name, notebook) => {
      const arc = results.get(notebook);
      if (arc === undefined) {
        throw new Error(`Arc did not run ${notebook}`);
      }
      const ours = compile(notebook);
      const status = arc.exit?.status;
      if (status === undefined) {
        throw new Error(
          `Arc printed no exit event:\n${arc.output.slice(-3000)}`
        );
      }
      if (status === 'success') {
        if (ours instanceof Error) {
          throw ours;
        }
        expectSameStages(arc, ours);
        return;
      }
      const errors = stageErrors(arc.exit);
      if (errors.length > 0) {
        // Arc parsed the job and rejected stages (lint's business): the stages
        // it names must be the ones Arcade compiled at those positions.
        if (ours instanceof Error) {
          throw ours;
        }
        for (const error of errors) {
          expect(
            ours.job.stages[error.stageIndex]?.name ?? 'unnamed stage'
          ).toBe(error.stage);
        }
        return;
      }
      // Arc could not parse the job: Arcade must refuse it too, at the same
      // line of the generated document, and name the cell and line.
      const reason = JSON.stringify(arc.exit?.reason ?? null);
      const parseLine = /"String: (\d+):/.exec(reason)?.[1];
      if (parseLine === undefined) {
        throw new Error(
          `Arc failed for a reason other than parsing: ${reason}`
        );
      }
      if (!(ours instanceof NotebookError)) {
        throw new Error(
          `Arc could not parse the job (${reason}); Arcade compiled it`
        );
      }
      expect(ours.location.jobLine).toBe(Number(parseLine));
      expect(ours.message).toMatch(/cell \d+, line \d+/);
    }
  );
});
