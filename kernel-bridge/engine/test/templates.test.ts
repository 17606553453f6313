import { compileNotebook } from '../src/compile';
import { DEFAULT_ENVIRONMENTS } from '../src/environments';
import { lintNotebook } from '../src/lint';
import { readStageOptions, StageOptionsError } from '../src/options';
import {
  sqlStageSource,
  sqlViewName,
  STAGE_TEMPLATES,
  type StageTemplateOptions
} from '../src/templates';
import type { JsonValue, LintDiagnostic } from '../src/types';
import { notebook } from './helpers';

const ENVIRONMENTS = ['dev', 'test', 'prod'];

type Source = (options: StageTemplateOptions) => string;

/** Every new stage cell Arcade writes: the templates and the `%sql` stage. */
const SOURCES: [string, Source][] = [
  ...STAGE_TEMPLATES.map((t): [string, Source] => [t.type, t.source]),
  ['%sql', sqlStageSource]
];

/** The views each writes as an option (SQL stages read theirs in the SQL). */
const VIEW_OPTIONS: Record<string, ('outputView' | 'inputView')[]> = {
  DelimitedExtract: ['outputView'],
  ParquetExtract: ['outputView'],
  DeltaLakeExtract: ['outputView'],
  TypingTransform: ['inputView', 'outputView'],
  SQLValidate: [],
  DeltaLakeLoad: ['inputView'],
  JDBCExecute: [],
  '%sql': ['outputView']
};

/** Stages that read the input view, by option or in their SQL. */
const READS = new Set([
  'TypingTransform',
  'SQLValidate',
  'DeltaLakeLoad',
  '%sql'
]);

function lint(cells: string[], environments = ENVIRONMENTS): LintDiagnostic[] {
  return lintNotebook(notebook(cells), { file: 'new.ipynb', environments });
}

function errors(diagnostics: LintDiagnostic[]): string[] {
  return diagnostics
    .filter(d => d.severity === 'error')
    .map(d => `${d.cell}:${d.line} ${d.code} ${d.message}`);
}

/** A cell before the new stage that creates `view` (with an `id` column). */
function creates(view: string, environments: readonly string[]): string {
  return JSON.stringify({
    type: 'SQLTransform',
    name: 'seed',
    environments,
    sql: 'SELECT 1 AS id',
    outputView: view
  });
}

function optionValues(source: string): Record<string, JsonValue> {
  const stage = readStageOptions(source);
  if (stage === null) {
    throw new Error('expected a stage cell');
  }
  return Object.fromEntries(stage.options.map(o => [o.key, o.value]));
}

const PLAIN: StageTemplateOptions = {
  name: 'stage',
  outputView: 'out',
  inputView: 'customers',
  environments: ENVIRONMENTS
};

const QUOTED: StageTemplateOptions = {
  name: 'load "daily" prices',
  outputView: 'my view',
  inputView: 'the "raw" view',
  environments: ['dev', 'user acceptance', 'prød']
};

const AWKWARD: StageTemplateOptions[] = [
  QUOTED,
  {
    name: "it's = done",
    outputView: 'a=b',
    inputView: "o'clock",
    environments: ['dev']
  },
  {
    name: ' padded name ',
    outputView: 'vüe_日本',
    inputView: 'tick`view',
    environments: ['test', 'prod']
  },
  {
    name: 'naïve café ✓ 日本 \\ back=slash',
    outputView: '=starts',
    inputView: 'ends,',
    environments: ['=dev', 'prod']
  }
];

describe('new stage templates', () => {
  it('offers the stage types of the picker, each with a description', () => {
    expect(STAGE_TEMPLATES.map(t => t.type)).toEqual([
      'DelimitedExtract',
      'ParquetExtract',
      'DeltaLakeExtract',
      'TypingTransform',
      'SQLValidate',
      'DeltaLakeLoad',
      'JDBCExecute'
    ]);
    for (const template of STAGE_TEMPLATES) {
      expect(template.description).not.toBe('');
    }
  });

  it.each(SOURCES)(
    '%s compiles without lint errors as a one-cell notebook (only its input view is unknown)',
    (type, source) => {
      const cell = source(PLAIN);
      const compiled = compileNotebook(notebook([cell]));
      expect(compiled.stages).toHaveLength(1);
      expect(compiled.job.stages[0]).toMatchObject({
        name: 'stage',
        environments: ENVIRONMENTS
      });
      expect(errors(lint([cell]))).toEqual(
        READS.has(type)
          ? [expect.stringMatching(/^0:\d+ undefined-view .*"customers"/)]
          : []
      );
    }
  );

  it.each(SOURCES)(
    '%s is lint-clean after a stage that creates its input view',
    (_type, source) => {
      expect(
        errors(lint([creates('customers', ENVIRONMENTS), source(PLAIN)]))
      ).toEqual([]);
    }
  );

  it.each(SOURCES)(
    '%s: readStageOptions returns exactly the given name, views and environments',
    (type, source) => {
      for (const options of [PLAIN, ...AWKWARD]) {
        const cell = source(options);
        const values = optionValues(cell);
        expect(values.name).toBe(options.name);
        expect(values.environments).toEqual(options.environments);
        for (const key of ['outputView', 'inputView'] as const) {
          if (VIEW_OPTIONS[type]?.includes(key)) {
            expect(values[key]).toBe(options[key]);
          } else {
            expect(values).not.toHaveProperty(key);
          }
        }
        // Arc reads the same: the compiled stage, and the view the stage reads.
        const compiled = compileNotebook(notebook([cell])).job.stages[0];
        expect(compiled?.name).toBe(options.name);
        expect(compiled?.environments).toEqual(options.environments);
        const environments = options.environments ?? [];
        expect(
          errors(
            lint(
              [creates(options.inputView ?? '', environments), cell],
              [...environments]
            )
          )
        ).toEqual([]);
      }
    }
  );

  it('writes the example fields verbatim, substitutions outside quotes', () => {
    const byType = new Map(SOURCES.map(([type, s]) => [type, s(PLAIN)]));
    expect(byType.get('DelimitedExtract')).toBe(
      [
        '{',
        '  "type": "DelimitedExtract",',
        '  "name": "stage",',
        '  "environments": ["dev", "test", "prod"],',
        '  "inputURI": ${LAKE}"/raw/*.csv",',
        '  "outputView": "out",',
        '  "delimiter": "Comma",',
        '  "quote": "DoubleQuote",',
        '  "header": true,',
        '  "persist": false',
        '}'
      ].join('\n')
    );
    expect(byType.get('TypingTransform')).toContain(
      '"schemaURI": ${ETL_CONF_BASE_URL}"/schema/table.json"'
    );
    expect(byType.get('JDBCExecute')).toContain('"jdbcURL": ${JDBC_URL},');
    expect(byType.get('SQLValidate')).toBe(
      '%sqlvalidate name=stage environments=dev,test,prod\n' +
        'SELECT\n  COUNT(*) = 0 AS valid,\n' +
        "  TO_JSON(NAMED_STRUCT('invalid_rows', COUNT(*))) AS message\n" +
        'FROM customers\nWHERE id IS NULL'
    );
    expect(byType.get('%sql')).toBe(
      '%sql name=stage outputView=out environments=dev,test,prod\nSELECT *\nFROM customers'
    );
    for (const [type, source] of byType) {
      if (!type.startsWith('%') && type !== 'SQLValidate') {
        expect(source).not.toMatch(/"\$\{/);
      }
    }
    expect(
      compileNotebook(notebook([byType.get('DelimitedExtract') ?? '']))
        .unresolved
    ).toEqual(['LAKE']);
  });

  it('quotes names on magic lines as Arc reads them back', () => {
    expect(
      sqlStageSource({ ...QUOTED, inputView: 'customers' }).split('\n')[0]
    ).toBe(
      '%sql name="load \\u0022daily\\u0022 prices" outputView="my view" environments="dev,user acceptance,prød"'
    );
  });

  it('gives the default environments and input views when none are given', () => {
    const options = { name: 'n', outputView: 'o', inputView: null };
    expect(optionValues(sqlStageSource(options)).environments).toEqual([
      ...DEFAULT_ENVIRONMENTS
    ]);
    expect(sqlStageSource(options)).toMatch(/\nFROM source_view$/);
    const load = STAGE_TEMPLATES.find(t => t.type === 'DeltaLakeLoad');
    expect(optionValues(load?.source(options) ?? '')).toMatchObject({
      inputView: 'input_view',
      environments: [...DEFAULT_ENVIRONMENTS]
    });
  });

  it("surfaces the writer's StageOptionsError for values Arc cannot read back", () => {
    const refusal = (write: () => string): StageOptionsError => {
      try {
        write();
      } catch (error) {
        if (error instanceof StageOptionsError) {
          return error;
        }
        throw error;
      }
      throw new Error('expected a StageOptionsError');
    };
    // A magic line separates environments with ',': this one would split.
    expect(
      refusal(() => sqlStageSource({ ...PLAIN, environments: ['dev,test'] }))
        .key
    ).toBe('environments');
    // Arc substitutes ${…} in a %sql cell's SQL, even between backticks.
    expect(
      refusal(() => sqlStageSource({ ...PLAIN, inputView: '${VIEW}' })).key
    ).toBe('inputView');
  });

  it('names views in SQL plainly when Spark reads them so, else in backticks', () => {
    expect(sqlViewName('customers')).toBe('customers');
    expect(sqlViewName('my view')).toBe('`my view`');
    expect(sqlViewName('tick`view')).toBe('`tick``view`');
    expect(sqlViewName('select')).toBe('`select`');
  });
});
