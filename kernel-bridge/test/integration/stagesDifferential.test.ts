/**
 * Differential test: the real Arc 3.7.0 (`ai.tripl.arc.ARC`, lintOnly) and
 * Arcade's compiler read the same notebooks; the stages Arc parsed (its
 * "lint" log lines) must equal Arcade's compile output field by field.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { compileNotebook } from '../../src/stages/compile';
import { NotebookError } from '../../src/stages/notebook';
import type { CompileResponse } from '../../src/stages/types';
import {
  ARC_VARS,
  expectSameStages,
  requireArcJars,
  runArcAll,
  stageErrors,
  type ArcResult
} from './helpers';

const REPO = path.resolve(__dirname, '../../..');
const FIXTURES = path.resolve(__dirname, '../fixtures/notebooks/compile');
const SEED = path.resolve(REPO, '../shared/fixtures/seed-sample/job');

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
const seeds = existsSync(SEED)
  ? readdirSync(SEED)
      .filter(name => name.endsWith('.ipynb'))
      .map(name => path.join(SEED, name))
  : [];

describe('compile output equals what Arc 3.7.0 parses', () => {
  let results: Map<string, ArcResult>;

  beforeAll(async () => {
    requireArcJars();
    results = await runArcAll([...fixtures, ...seeds]);
  }, 170_000);

  it('has the fixtures it needs', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(12);
    if (seeds.length === 0) {
      throw new Error(`the seed-sample notebooks are missing in ${SEED}`);
    }
  });

  it.each([...fixtures, ...seeds].map(f => [path.basename(f), f]))(
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
