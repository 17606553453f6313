import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { lintNotebook } from '../src/lint';
import { DEFECT_NOTEBOOKS, DEFECTS, notebookFiles } from './helpers';
import { ENVIRONMENTS, defectLint, only } from './lintHelpers';

const SAMPLES = path.resolve(__dirname, '../../../sample-workspace/notebooks');

describe('lint: the defect notebooks (defects Arc jobs ship)', () => {
  it('has every defect notebook', () => {
    expect(
      notebookFiles(DEFECTS)
        .map(f => path.basename(f))
        .sort()
    ).toEqual([...DEFECT_NOTEBOOKS].sort());
  });

  it('price_first_load: %sqlvaildate runs as a SQLTransform, %env current_timestamp() is nondeterministic', () => {
    const diagnostics = defectLint('price_first_load.ipynb');
    expect(diagnostics.map(d => [d.cell, d.code, d.severity])).toEqual([
      [9, 'unknown-magic', 'error'],
      [11, 'nondeterministic-sql', 'warning']
    ]);
    expect(diagnostics[0]).toMatchObject({ line: 1, column: 1 });
    expect(diagnostics[0]?.message).toBe(
      '"%sqlvaildate" is not an Arc magic: Arc matches magics by prefix, so this cell runs as a SQLTransform and validates nothing. Did you mean "%sqlvalidate" (SQLValidate)?'
    );
    // `ETL_CONF_CURRENT_TIMESTAMP=current_timestamp()`: the call is at column 28.
    expect(diagnostics[1]).toMatchObject({ line: 2, column: 28 });
    expect(diagnostics[1]?.message).toMatch(
      /^current_timestamp\(\) gives a different value on every run, and %env only applies in the notebook: a job takes the variable from --NAME=value or the environment/
    );
  });

  it('price_changes_load: the same defects, the %env call on the third line and in capitals', () => {
    const diagnostics = defectLint('price_changes_load.ipynb');
    expect(diagnostics.map(d => [d.cell, d.code, d.severity])).toEqual([
      [6, 'unknown-magic', 'error'],
      [8, 'nondeterministic-sql', 'warning']
    ]);
    expect(diagnostics[0]?.message).toContain(
      'runs as a SQLTransform and validates nothing'
    );
    expect(diagnostics[1]).toMatchObject({ line: 3, column: 28 });
    expect(diagnostics[1]?.message).toMatch(/^current_timestamp\(\) /);
  });

  it('a line without a comma after "numPartitions": N is valid HOCON, as Arc reads it', () => {
    for (const name of DEFECT_NOTEBOOKS) {
      expect(only(defectLint(name), 'compile-error')).toEqual([]);
    }
  });

  it('price_scd2_merge: the uat stages never run with dev,test,prod (and the dev,test ones not with uat)', () => {
    const diagnostics = defectLint('price_scd2_merge.ipynb');
    expect(diagnostics.map(d => [d.cell, d.code, d.severity])).toEqual([
      [11, 'stage-never-runs', 'warning'],
      [13, 'stage-never-runs', 'warning'],
      [16, 'stage-never-runs', 'warning'],
      [18, 'stage-never-runs', 'warning']
    ]);
    for (const d of diagnostics) {
      expect(d.message).toContain(
        "this stage runs only in uat, none of the project's environments (dev, test, prod)"
      );
    }
    const uat = defectLint('price_scd2_merge.ipynb', ['uat']);
    expect(uat.map(d => [d.cell, d.code])).toEqual(
      [1, 2, 4, 7, 9].map(cell => [cell, 'stage-never-runs'])
    );
  });

  it('the loads warn about their dev,test stages under uat as well', () => {
    expect(
      only(
        defectLint('price_first_load.ipynb', ['uat']),
        'stage-never-runs'
      ).map(d => d.cell)
    ).toEqual([2, 6, 9, 12, 14]);
  });
});

describe('lint: the sample workspace', () => {
  const names = readdirSync(SAMPLES).filter(n => n.endsWith('.ipynb'));

  it.each(names)('%s has no errors', name => {
    const diagnostics = lintNotebook(
      readFileSync(path.join(SAMPLES, name), 'utf8'),
      {
        file: name,
        environments: ENVIRONMENTS
      }
    );
    expect(diagnostics.filter(d => d.severity === 'error')).toEqual([]);
  });
});
