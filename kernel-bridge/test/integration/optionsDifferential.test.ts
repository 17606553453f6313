/**
 * Differential test of the options form: notebooks whose stage cells are
 * edited only through writeStageOptions must read in the real Arc 3.7.0
 * (`ai.tripl.arc.ARC`, lintOnly) exactly as Arcade compiles them, and Arc
 * must show the edits.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  compileNotebookJson,
  STAGE_KEYS,
  writeStageOptions,
  type CompileResponse,
  type OptionValue,
  type StageOptions
} from 'arcade-engine';
import {
  ARC_ENVIRONMENT,
  ARC_VARS,
  activeStages,
  expectSameStages,
  printedByArc,
  requireArcJars,
  runArcAll,
  sameValue,
  type ArcResult
} from './helpers';
import { formOptions } from '../../engine/test/optionsHelpers';

const REPO = path.resolve(__dirname, '../../..');
const WORKSPACE = path.join(REPO, 'sample-workspace');
const FIXTURES = path.resolve(__dirname, '../fixtures/notebooks/compile');

const NOTEBOOKS = [
  path.join(WORKSPACE, 'notebooks/00_quickstart.ipynb'),
  path.join(WORKSPACE, 'notebooks/01_customers_initial_load.ipynb'),
  path.join(WORKSPACE, 'notebooks/02_customers_daily_changes.ipynb'),
  path.join(WORKSPACE, 'notebooks/03_customers_scd2_merge.ipynb'),
  path.join(FIXTURES, '01-stage-kinds.ipynb'),
  path.join(FIXTURES, '04-option-quoting.ipynb'),
  path.join(FIXTURES, '06-persist-sqlparams.ipynb'),
  path.join(FIXTURES, '08-plain-hocon.ipynb')
];

/** The sample workspace's paths (Arc reads schemas and SQL files while it lints). */
const VARS: Readonly<Record<string, string>> = {
  ...ARC_VARS,
  ETL_CONF_DATA: `file://${WORKSPACE}/data`,
  ETL_CONF_META: `file://${WORKSPACE}/meta`,
  ETL_CONF_SQL: `file://${WORKSPACE}/sql`,
  ETL_CONF_LAKE: 's3a://lake-bucket/lake',
  ETL_CONF_LOAD_DATE: '2024-01-31'
};

/** Optional keys a stage can lose without Arc minding. */
const REMOVABLE = ['numPartitions', 'header', 'quote', 'id'];

interface Notebook {
  cells: { cell_type: string; source: unknown }[];
}

interface CellEdit {
  cell: number;
  changes: Record<string, OptionValue | null>;
  /** What the edit exercises: rename, outputView, … */
  kinds: string[];
  magic: boolean;
}

interface EditedNotebook {
  original: string;
  file: string;
  notebook: Notebook;
  edits: CellEdit[];
}

function stringValue(options: StageOptions, key: string): string | null {
  const option = options.options.find(o => o.key === key);
  return option?.editable === true && typeof option.value === 'string'
    ? option.value
    : null;
}

/** The edits a user might make in the form, varied by cell. */
function editsFor(options: StageOptions, ordinal: number): CellEdit['changes'] {
  const type = options.type ?? '';
  const allowed = STAGE_KEYS[type]?.allowed ?? new Set<string>();
  const has = (key: string): boolean =>
    options.options.some(o => o.key === key);
  const changes: CellEdit['changes'] = {
    name:
      ordinal % 2 === 0
        ? `edited ${ordinal}: it's a "${type}" stage \\ with a backslash`
        : `edited stage ${ordinal}`,
    environments:
      ordinal % 5 === 4 ? ['test'] : [ARC_ENVIRONMENT, 'test', 'big test']
  };
  const outputView = stringValue(options, 'outputView');
  if (outputView !== null && allowed.has('outputView')) {
    changes.outputView = `${outputView}_v2`;
  }
  if (allowed.has('persist') && options.format === 'magic') {
    const persist = options.options.find(o => o.key === 'persist');
    changes.persist = persist?.value !== true;
  }
  changes.description = has('description')
    ? null
    : `Changed in the options form, stage ${ordinal}`;
  const removable = REMOVABLE.find(has);
  if (removable !== undefined) {
    changes[removable] = null;
  }
  if (
    options.format === 'hocon' &&
    has('inputURI') &&
    type.endsWith('Extract')
  ) {
    changes.inputURI = `s3a://edited-bucket/stage-${ordinal}/input`;
  }
  if (type === 'DelimitedExtract') {
    changes.delimiter = 'Pipe';
  }
  const sql = stringValue(options, 'sql');
  if (
    options.format === 'hocon' &&
    has('sqlParams') &&
    sql?.includes('${') === false
  ) {
    // Arc refuses parameters the SQL has no placeholder for.
    changes.sqlParams = null;
  }
  return changes;
}

function kindsOf(changes: CellEdit['changes']): string[] {
  return Object.entries(changes).map(([key, value]) => {
    if (value === null) {
      return key === 'description' ? 'remove description' : 'remove optional';
    }
    if (key === 'name') {
      return 'rename';
    }
    return key === 'description' ? 'add description' : key;
  });
}

function editNotebook(original: string, dir: string): EditedNotebook {
  const notebook = JSON.parse(readFileSync(original, 'utf8')) as Notebook;
  const edits: CellEdit[] = [];
  notebook.cells.forEach((cell, index) => {
    if (cell.cell_type !== 'code' || !Array.isArray(cell.source)) {
      return;
    }
    const source = cell.source.join('');
    const options = formOptions(source);
    if (options === null) {
      return;
    }
    const changes = editsFor(options, edits.length);
    cell.source = writeStageOptions(source, changes).split(/(?<=\n)/);
    edits.push({
      cell: index,
      changes,
      kinds: kindsOf(changes),
      magic: options.format === 'magic'
    });
  });
  const file = path.join(dir, path.basename(original));
  writeFileSync(file, JSON.stringify(notebook, null, 1));
  return { original, file, notebook, edits };
}

describe('notebooks edited through the options form read the same in Arc 3.7.0', () => {
  let dir: string;
  let edited: EditedNotebook[];
  let results: Map<string, ArcResult>;

  beforeAll(async () => {
    requireArcJars();
    dir = mkdtempSync(path.join(os.tmpdir(), 'arcade-options-'));
    edited = NOTEBOOKS.map(file => editNotebook(file, dir));
    results = await runArcAll(
      edited.map(e => e.file),
      VARS
    );
  }, 170_000);

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('edits at least six notebooks in every way the form can', () => {
    expect(edited.length).toBeGreaterThanOrEqual(6);
    const kinds = new Set(edited.flatMap(e => e.edits.flatMap(c => c.kinds)));
    expect([...kinds].sort()).toEqual(
      expect.arrayContaining([
        'add description',
        'delimiter',
        'environments',
        'inputURI',
        'outputView',
        'persist',
        'remove description',
        'remove optional',
        'rename'
      ])
    );
    for (const notebook of edited) {
      expect(notebook.edits.length).toBeGreaterThan(0);
    }
  });

  it.each(NOTEBOOKS.map(f => [path.basename(f), f]))(
    '%s',
    (_name, original) => {
      const notebook = edited.find(e => e.original === original);
      const arc = results.get(notebook?.file ?? '');
      if (notebook === undefined || arc === undefined) {
        throw new Error(`Arc did not run the edited ${original}`);
      }
      if (arc.exit?.status !== 'success') {
        throw new Error(
          `Arc did not accept the edited notebook: ${JSON.stringify(arc.exit?.reason ?? null)}\n${arc.output.slice(-3000)}`
        );
      }
      const ours: CompileResponse = compileNotebookJson(notebook.notebook, {
        file: notebook.file,
        vars: VARS,
        complete: true
      });
      expectSameStages(arc, ours);

      // The edits show in what Arc parsed, stage by stage.
      const active = activeStages(ours);
      for (const edit of notebook.edits) {
        const index = ours.stages.findIndex(s => s.cell === edit.cell);
        const stage = ours.job.stages[index] ?? {};
        const position = active.indexOf(stage);
        const environments = edit.changes.environments;
        if (
          Array.isArray(environments) &&
          !environments.includes(ARC_ENVIRONMENT)
        ) {
          expect(position).toBe(-1);
          continue;
        }
        const arcStage = arc.lint[position] ?? {};
        const printed = printedByArc(stage);
        for (const [key, value] of Object.entries(edit.changes)) {
          // A magic cell's template gives a removed description as "".
          const now =
            value ?? (edit.magic && key === 'description' ? '' : undefined);
          expect([key, stage[key]]).toEqual([key, now]);
          if (key === 'environments' || !(key in printed)) {
            // Arc prints it under another name, compared with the whole stage above.
            continue;
          }
          const seen = arcStage[key];
          if (
            !(now === undefined ? seen === undefined : sameValue(seen, now))
          ) {
            throw new Error(
              `cell ${edit.cell}: Arc has ${key} = ${JSON.stringify(seen)} after the form set it to ${JSON.stringify(value)}`
            );
          }
        }
      }
    }
  );
});
