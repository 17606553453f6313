import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { compileNotebookJson } from '../src/compile';
import {
  readStageOptions,
  StageOptionsError,
  writeStageOptions
} from '../src/options';
import type { JsonObject, JsonValue, OptionValue } from '../src/types';
import { DEFECT_NOTEBOOKS, DEFECTS, random } from './helpers';
import { changedSpan, formOptions } from './optionsHelpers';

const REPO = path.resolve(__dirname, '../../..');

function notebooksIn(dir: string): string[] {
  if (!existsSync(dir)) {
    throw new Error(`the notebook folder ${dir} is missing`);
  }
  return readdirSync(dir).flatMap(name => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) {
      return notebooksIn(file);
    }
    return name.endsWith('.ipynb') ? [file] : [];
  });
}

const PIECES = [
  'view',
  ' ',
  "'",
  '"',
  '\\',
  '=',
  ',',
  '${X}',
  '|',
  '\t',
  '\n',
  'é',
  '#',
  '//',
  '%',
  '"""',
  'a b',
  '{',
  '}'
];

interface Notebook {
  metadata: unknown;
  cells: { cell_type: string; source: unknown }[];
}

function withSource(
  notebook: Notebook,
  index: number,
  source: string
): Notebook {
  return {
    ...notebook,
    cells: notebook.cells.map((cell, i) =>
      i === index ? { ...cell, source: source.split(/(?<=\n)/) } : cell
    )
  };
}

/** The compiled stages of a notebook by cell; null when the notebook does not compile. */
function stagesByCell(notebook: Notebook): Map<number, JsonObject> | null {
  try {
    const compiled = compileNotebookJson(notebook);
    return new Map(
      compiled.stages.map((info, i) => [
        info.cell,
        compiled.job.stages[i] ?? {}
      ])
    );
  } catch {
    return null;
  }
}

/** What a magic stage has for an option that is not on the line. */
function magicDefault(key: string, codeCell: number): JsonValue | undefined {
  const defaults: Record<string, JsonValue> = {
    name: `notebook cell ${codeCell}`,
    description: '',
    environments: [''],
    persist: false,
    sqlParams: {}
  };
  return defaults[key];
}

describe('property: edits made through the form compile to exactly the edited values', () => {
  const notebooks = [
    ...notebooksIn(path.join(REPO, 'sample-workspace')),
    // With fixtures/notebooks/defects (DEFECTS).
    ...notebooksIn(path.resolve(__dirname, '../../test/fixtures/notebooks'))
  ];

  it('finds the notebooks', () => {
    expect(notebooks.length).toBeGreaterThanOrEqual(20);
    for (const name of DEFECT_NOTEBOOKS) {
      expect(notebooks).toContain(path.join(DEFECTS, name));
    }
  });

  it('holds for random edits of every stage cell', () => {
    const next = random(20240131);
    const pick = <T>(items: readonly T[]): T =>
      items[Math.floor(next() * items.length)] as T;
    const text = (): string =>
      Array.from({ length: 1 + Math.floor(next() * 4) }, () =>
        pick(PIECES)
      ).join('');
    const counts = { cells: 0, edits: 0, refused: 0, checked: 0 };
    for (const file of notebooks) {
      const notebook = JSON.parse(readFileSync(file, 'utf8')) as Notebook;
      const before = stagesByCell(notebook);
      let codeCell = -1;
      notebook.cells.forEach((cell, index) => {
        if (cell.cell_type !== 'code') {
          return;
        }
        codeCell++;
        if (!Array.isArray(cell.source)) {
          return;
        }
        const source = cell.source.join('');
        const options = formOptions(source);
        if (options === null) {
          return;
        }
        counts.cells++;
        const magic = options.format === 'magic';
        const existing = options.options
          .filter(o => o.editable)
          .map(o => o.key);
        for (let round = 0; round < 12; round++) {
          const changes: Record<string, OptionValue | null> = {};
          const keys = 1 + Math.floor(next() * 3);
          for (let k = 0; k < keys; k++) {
            const key =
              next() < 0.5 && existing.length > 0
                ? pick(existing)
                : pick([
                    'name',
                    'description',
                    'outputView',
                    'environments',
                    'persist',
                    'inputURI',
                    'delimiter',
                    'numPartitions'
                  ]);
            const roll = next();
            changes[key] =
              roll < 0.2
                ? null
                : key === 'environments'
                  ? Array.from({ length: 1 + Math.floor(next() * 3) }, () =>
                      pick(['dev', 'test', 'prod', 'big test', 'uat'])
                    )
                  : key === 'persist'
                    ? next() < 0.5
                    : key === 'numPartitions' && !magic
                      ? Math.floor(next() * 100)
                      : text();
          }
          counts.edits++;
          let written: string;
          try {
            written = writeStageOptions(source, changes);
          } catch (error) {
            expect(error).toBeInstanceOf(StageOptionsError);
            expect(Object.keys(changes)).toContain(
              (error as StageOptionsError).key
            );
            counts.refused++;
            continue;
          }
          const single = Object.entries(changes);
          const [onlyKey, onlyValue] = single[0] ?? ['', null];
          const old = options.options.find(o => o.key === onlyKey);
          if (
            single.length === 1 &&
            onlyValue !== null &&
            old !== undefined &&
            written !== source
          ) {
            // Only the edited option's own text may change.
            const [from, to] = changedSpan(source, written);
            if (from < old.start || to > old.end) {
              throw new Error(
                `${JSON.stringify(source)} with ${JSON.stringify(changes)} changed [${from}, ${to}), outside [${old.start}, ${old.end}): ${JSON.stringify(written)}`
              );
            }
          }
          const edited = withSource(notebook, index, written);
          const after = stagesByCell(edited);
          if (before === null) {
            continue;
          }
          expect(after).not.toBeNull();
          const oldStage = before.get(index) ?? {};
          const newStage = after?.get(index) ?? {};
          for (const key of new Set([
            ...Object.keys(oldStage),
            ...Object.keys(newStage)
          ])) {
            if (!(key in changes)) {
              expect([key, newStage[key]]).toEqual([key, oldStage[key]]);
              continue;
            }
            const value = changes[key];
            const leftOut =
              magic &&
              !Object.hasOwn(newStage, key) &&
              !Object.hasOwn(oldStage, key);
            if (leftOut) {
              continue;
            }
            expect([key, newStage[key]]).toEqual([
              key,
              value === null
                ? magic
                  ? magicDefault(key, codeCell)
                  : undefined
                : value
            ]);
          }
          for (const [key, value] of Object.entries(changes)) {
            const now = readStageOptions(written)?.options.find(
              o => o.key === key
            );
            expect([key, now?.value]).toEqual([
              key,
              value === null
                ? undefined
                : magic && now?.inStage === false
                  ? String(value)
                  : value
            ]);
          }
          for (const [cell, compiled] of before) {
            if (cell !== index) {
              expect(after?.get(cell)).toEqual(compiled);
            }
          }
          counts.checked++;
        }
      });
    }
    expect(counts.cells).toBeGreaterThanOrEqual(60);
    expect(counts.checked).toBeGreaterThan(counts.edits * 0.6);
    expect(counts.refused).toBeGreaterThan(0);
  });
});
