import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
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
import { DEFECT_NOTEBOOKS, DEFECTS, random } from './helpers';

/** The stage Arc makes of one cell. */
function stage(source: string): JsonObject {
  const compiled = compileNotebookJson({
    metadata: { kernelspec: { name: 'arc' } },
    cells: [{ cell_type: 'code', source: [source] }]
  });
  expect(compiled.job.stages).toHaveLength(1);
  return compiled.job.stages[0] ?? {};
}

function read(source: string): StageOptions {
  const options = readStageOptions(source);
  if (options === null) {
    throw new Error('expected a stage cell');
  }
  return options;
}

function values(source: string): Record<string, JsonValue> {
  return Object.fromEntries(read(source).options.map(o => [o.key, o.value]));
}

function refusal(
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
function changedSpan(before: string, after: string): [number, number] {
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
function expectChangeWithin(
  before: string,
  after: string,
  from: number,
  to: number
): void {
  const [start, end] = changedSpan(before, after);
  expect(start).toBeGreaterThanOrEqual(from);
  expect(end).toBeLessThanOrEqual(to);
}

function span(source: string, key: string): [number, number] {
  const option = read(source).options.find(o => o.key === key);
  if (option === undefined) {
    throw new Error(`no option ${key}`);
  }
  return [option.start, option.end];
}

const MAGIC =
  '%sql name="step one" outputView=x environments=dev,test persist=true sqlParams=a=${X}\nSELECT 1 AS a';

describe('reading a magic cell', () => {
  it('reads the options as Arc does, with where each is written', () => {
    const options = read(MAGIC);
    expect(options).toMatchObject({
      format: 'magic',
      magic: '%sql',
      kind: 'sql',
      type: 'SQLTransform'
    });
    expect(options.options).toEqual([
      {
        key: 'name',
        raw: '"step one"',
        start: 5,
        end: 20,
        inStage: true,
        editable: true,
        value: 'step one'
      },
      expect.objectContaining({ key: 'outputView', value: 'x' }),
      expect.objectContaining({
        key: 'environments',
        value: ['dev', 'test']
      }),
      expect.objectContaining({ key: 'persist', value: true }),
      expect.objectContaining({
        key: 'sqlParams',
        editable: false,
        value: { a: { $subst: 'X' } }
      })
    ]);
    expect(MAGIC.slice(5, 20)).toBe('name="step one"');
  });

  it('follows the magic by prefix and lets the last of a repeated key win', () => {
    expect(read('%sqlvaildate name=first name=second\nSELECT 1')).toMatchObject(
      {
        magic: '%sqlvaildate',
        kind: 'sql',
        type: 'SQLTransform',
        options: [{ key: 'name', value: 'second', start: 24 }]
      }
    );
  });

  it('marks options Arc leaves out of the stage', () => {
    const options = read(
      '%log outputView=v persist=true numRows=5 environments=dev\nSELECT 1'
    ).options;
    expect(options.map(o => [o.key, o.inStage, o.value])).toEqual([
      ['outputView', false, 'v'],
      ['persist', false, 'true'],
      ['numRows', false, '5'],
      ['environments', true, ['dev']]
    ]);
  });

  it('reads escapes as Arc does and names values that break the stage', () => {
    expect(values('%sql name="tab\\there" description="say \\"hi\\""')).toEqual(
      { name: 'tab\there', description: 'say "hi"' }
    );
    const broken = read(
      '%sql outputView=ok persist="" name="a\\qb"\nSELECT 1'
    ).options;
    expect(broken).toEqual([
      expect.objectContaining({ key: 'outputView', value: 'ok' }),
      expect.objectContaining({
        key: 'persist',
        editable: false,
        problem: expect.stringMatching(/expecting a value/) as unknown
      }),
      expect.objectContaining({
        key: 'name',
        editable: false,
        problem: expect.stringMatching(/bad escape/) as unknown
      })
    ]);
  });

  it('is null for cells Arc does not run as stages', () => {
    for (const source of [
      '%conf numRows=10',
      '%env\nX=1',
      '%configplugin\n{"type": "X"}',
      '%lifecycleplugin\n{"type": "X"}',
      '',
      '  \n ',
      ',',
      '# only a comment'
    ]) {
      expect(readStageOptions(source)).toBeNull();
    }
  });
});

const HOCON = `{
  "type": "DelimitedExtract",
  "name": "extract customers",
  "environments": ["dev", "test"],
  "inputURI": \${ETL_CONF_DATA}"/customers.csv",
  "outputView": "customers_raw",
  "header": true,
  "numPartitions": 4,
  "authentication": {"method": "AmazonIAM"}
}`;

describe('reading a HOCON cell', () => {
  it('reads each field with its JSON value and whether the form can edit it', () => {
    const options = read(HOCON);
    expect(options).toMatchObject({
      format: 'hocon',
      magic: null,
      type: 'DelimitedExtract'
    });
    expect(
      options.options.map(o => [o.key, o.editable, o.value, o.raw])
    ).toEqual([
      ['type', true, 'DelimitedExtract', '"DelimitedExtract"'],
      ['name', true, 'extract customers', '"extract customers"'],
      ['environments', true, ['dev', 'test'], '["dev", "test"]'],
      [
        'inputURI',
        false,
        { $concat: [{ $subst: 'ETL_CONF_DATA' }, '/customers.csv'] },
        '${ETL_CONF_DATA}"/customers.csv"'
      ],
      ['outputView', true, 'customers_raw', '"customers_raw"'],
      ['header', true, true, 'true'],
      ['numPartitions', true, 4, '4'],
      [
        'authentication',
        false,
        { method: 'AmazonIAM' },
        '{"method": "AmazonIAM"}'
      ]
    ]);
    const [start, end] = span(HOCON, 'header');
    expect(HOCON.slice(start, end)).toBe('"header": true');
  });

  it('reads %arc cells, unquoted HOCON, comments and margins as Arc does', () => {
    const source =
      '%arc name=ignored\n# why\n{\n  type = SQLTransform // unquoted\n  name = two words\n  |sql = "SELECT 1"\n}';
    expect(read(source)).toMatchObject({
      format: 'hocon',
      magic: '%arc',
      type: 'SQLTransform'
    });
    expect(values(source)).toEqual({
      type: 'SQLTransform',
      name: 'two words',
      sql: 'SELECT 1'
    });
    expect(values(source)).toEqual(stage(source));
  });

  it('reports a HOCON cell that does not parse with its line and column', () => {
    let error: unknown;
    try {
      readStageOptions('{\n  "type": "X",\n  "name": "open\n}');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(StageOptionsError);
    expect(error).toMatchObject({
      line: 3,
      column: 16,
      message: expect.stringMatching(/^line 3, column 16: .*newline/) as unknown
    });
  });

  it('refuses cells with more than one stage', () => {
    expect(() =>
      readStageOptions(
        '{"type": "A", "name": "a"},\n{"type": "B", "name": "b"}'
      )
    ).toThrow(/holds 2 stages/);
  });
});

describe('writing a magic line', () => {
  it('leaves the cell as it is without changes or with the values it has', () => {
    expect(writeStageOptions(MAGIC, {})).toBe(MAGIC);
    expect(
      writeStageOptions(MAGIC, {
        name: 'step one',
        environments: ['dev', 'test'],
        persist: true
      })
    ).toBe(MAGIC);
  });

  it('replaces only the changed key=value', () => {
    const renamed = writeStageOptions(MAGIC, { name: 'step two' });
    expect(renamed).toBe(MAGIC.replace('name="step one"', 'name="step two"'));
    expectChangeWithin(MAGIC, renamed, ...span(MAGIC, 'name'));
    const moved = writeStageOptions(MAGIC, {
      environments: ['prod'],
      persist: false,
      outputView: 'y'
    });
    expect(moved).toBe(
      '%sql name="step one" outputView=y environments=prod persist=false sqlParams=a=${X}\nSELECT 1 AS a'
    );
  });

  it('quotes a value only when Arc needs it', () => {
    const line = (value: string): string =>
      (
        writeStageOptions('%sql outputView=x\nSELECT 1', {
          description: value
        }).split('\n')[0] ?? ''
      ).slice('%sql outputView=x '.length);
    expect(line('plain')).toBe('description=plain');
    expect(line('two words')).toBe('description="two words"');
    expect(line("it's")).toBe('description="it\'s"');
    expect(line('=x')).toBe('description="=x"');
    expect(line('')).toBe('description=""');
    expect(line('a,b=c')).toBe('description=a,b=c');
    expect(line('ends,')).toBe('description="ends,"');
  });

  it('writes values Arc can only read escaped so that it reads them exactly', () => {
    const tricky = [
      'say "hi"',
      'back\\slash',
      'tab\there',
      'line\nbreak',
      '  padded  ',
      '${NOT_A_SUBSTITUTION}',
      'ünïcödé ✓',
      '|margin'
    ];
    for (const value of tricky) {
      const written = writeStageOptions('%sql outputView=x\nSELECT 1', {
        name: value
      });
      expect(stage(written).name).toBe(value);
      expect(values(written).name).toBe(value);
    }
    expect(
      writeStageOptions('%sql\nSELECT 1', { description: 'say "hi"' })
    ).toBe('%sql description="say \\u0022hi\\u0022"\nSELECT 1');
  });

  it('writes environments comma-separated and persist unquoted', () => {
    const written = writeStageOptions('%sql outputView=x\nSELECT 1', {
      environments: ['dev', 'big test'],
      persist: true
    });
    expect(written).toBe(
      '%sql outputView=x environments="dev,big test" persist=true\nSELECT 1'
    );
    expect(stage(written)).toMatchObject({
      environments: ['dev', 'big test'],
      persist: true
    });
  });

  it('removes every key=value of a removed key, and nothing else', () => {
    const source =
      '%sql name=first outputView=dup name=second environments=dev\nSELECT 3';
    const removed = writeStageOptions(source, { name: null });
    expect(removed).toBe('%sql outputView=dup environments=dev\nSELECT 3');
    expect(stage(removed).name).toBe('notebook cell 0');
    expect(writeStageOptions(source, { description: null })).toBe(source);
    expect(
      writeStageOptions('%sql  outputView=x\tpersist=true\nSELECT 1', {
        persist: null
      })
    ).toBe('%sql  outputView=x\nSELECT 1');
  });

  it('adds new options at the end of the line as Arc reads it', () => {
    expect(
      writeStageOptions('\n  %sql outputView=padded   \r\n\n  SELECT 3\n', {
        name: 'n'
      })
    ).toBe('\n  %sql outputView=padded name=n   \r\n\n  SELECT 3\n');
    // Arc drops a comma that ends the cell: new options go before it.
    const bodyless = writeStageOptions('%log name=x,', {
      environments: ['dev']
    });
    expect(bodyless).toBe('%log name=x environments=dev,');
    expect(stage(bodyless)).toMatchObject({
      name: 'x',
      environments: ['dev']
    });
  });

  it('writes display options and %log outputs plainly, as Arc never pastes them into HOCON', () => {
    const source = '%log environments=dev\nSELECT 1';
    expect(
      writeStageOptions(source, { numRows: 10, outputView: 'v', persist: true })
    ).toBe(
      '%log environments=dev numRows=10 outputView=v persist=true\nSELECT 1'
    );
    expect(refusal(source, { numRows: 'a "b"' }).message).toMatch(
      /numRows: .*cannot read '"'/
    );
    expect(refusal(source, { numRows: ' 5' }).message).toMatch(/trims/);
  });

  it('refuses values Arc cannot read back, saying why', () => {
    const cases: [Record<string, OptionValue | null>, RegExp][] = [
      [{ environments: [] }, /empty list.*\[""\]/],
      [{ environments: ['dev', ''] }, /drops empty names at the end/],
      [{ environments: ['dev,test'] }, /contains ','.*own list item/],
      [{ environments: 'dev' }, /give a list/],
      [{ name: ['a'] }, /only environments takes a list/],
      [{ persist: 'yes' }, /unquoted, so give true, false or a number/],
      [{ sqlParams: 'a=1' }, /map on the magic line/],
      [{ 'bad key': 'x' }, /option name may only hold/],
      [{ name: Number.NaN }, /not a number HOCON can hold/]
    ];
    for (const [changes, message] of cases) {
      const error = refusal(MAGIC, changes);
      expect(error.message).toMatch(message);
      expect(error.key).toBe(Object.keys(changes)[0]);
    }
    expect(
      refusal(MAGIC, { name: { a: 1 } as unknown as OptionValue }).message
    ).toMatch(/not text, a number/);
  });

  it('turns numbers into the text Arc reads on a magic line', () => {
    const written = writeStageOptions('%sql outputView=x\nSELECT 1', {
      numPartitions: 4
    });
    expect(written).toBe('%sql outputView=x numPartitions=4\nSELECT 1');
    expect(stage(written).numPartitions).toBe('4');
  });

  it('fixes a value that breaks the stage', () => {
    const fixed = writeStageOptions(
      '%sql outputView=bad persist="" environments=dev\nSELECT 2',
      { persist: true }
    );
    expect(stage(fixed).persist).toBe(true);
  });
});

describe('writing a HOCON cell', () => {
  it('leaves the cell as it is without changes or with the values it has', () => {
    expect(writeStageOptions(HOCON, {})).toBe(HOCON);
    expect(
      writeStageOptions(HOCON, { header: true, environments: ['dev', 'test'] })
    ).toBe(HOCON);
  });

  it('replaces only the changed value, JSON-quoted', () => {
    const edited = writeStageOptions(HOCON, {
      name: 'say "hi"\n',
      inputURI: 's3a://bucket/customers.csv',
      numPartitions: 8
    });
    expect(edited).toBe(
      HOCON.replace('"extract customers"', '"say \\"hi\\"\\n"')
        .replace(
          '${ETL_CONF_DATA}"/customers.csv"',
          '"s3a://bucket/customers.csv"'
        )
        .replace('"numPartitions": 4', '"numPartitions": 8')
    );
    expect(stage(edited)).toMatchObject({
      name: 'say "hi"\n',
      inputURI: 's3a://bucket/customers.csv',
      numPartitions: 8
    });
    const renamed = writeStageOptions(HOCON, { name: 'x' });
    expectChangeWithin(HOCON, renamed, ...span(HOCON, 'name'));
  });

  it('removes a field with its line, its comment and a comma it leaves dangling', () => {
    expect(writeStageOptions(HOCON, { header: null })).toBe(
      HOCON.replace('  "header": true,\n', '')
    );
    expect(
      writeStageOptions('{\n  "a": 1, # one\n  // about b\n  "b": 2 # two\n}', {
        b: null
      })
    ).toBe('{\n  "a": 1 # one\n  // about b\n}');
    expect(writeStageOptions('{\n  "a": 1,\n  "b": 2,\n}', { b: null })).toBe(
      '{\n  "a": 1,\n}'
    );
    expect(writeStageOptions('{\n  "a": 1\n}', { a: null })).toBe('{\n}');
    expect(
      writeStageOptions('{\r\n  "a": 1,\r\n  "b": 2\r\n}', { b: null })
    ).toBe('{\r\n  "a": 1\r\n}');
  });

  it('removes a field from a one-line object', () => {
    const line = '{ type: X, name: "a", sql: "b" }';
    expect(writeStageOptions(line, { name: null })).toBe(
      '{ type: X, sql: "b" }'
    );
    expect(writeStageOptions(line, { sql: null })).toBe(
      '{ type: X, name: "a" }'
    );
    expect(writeStageOptions(line, { type: null })).toBe(
      '{ name: "a", sql: "b" }'
    );
    expect(writeStageOptions('{ a: 1, b: 2, }', { b: null })).toBe('{ a: 1, }');
    expect(writeStageOptions('{ "name": "x" }', { name: null })).toBe('{}');
    expect(
      writeStageOptions('{ "type": "X",\n  "name": "y" }', { type: null })
    ).toBe('{\n  "name": "y" }');
  });

  it('removes every member of a key set more than once', () => {
    const source = '{\n  "type": "X"\n  "name": "a"\n  "name": "b"\n}';
    expect(writeStageOptions(source, { name: null })).toBe(
      '{\n  "type": "X"\n}'
    );
    expect(writeStageOptions(source, { name: 'c' })).toBe(
      '{\n  "type": "X"\n  "name": "a"\n  "name": "c"\n}'
    );
    const paths = '{\n  "type": "X"\n  a { b = 1 }\n  a.c = 2\n}';
    const flattened = writeStageOptions(paths, { a: 'flat' });
    expect(flattened).toBe('{\n  "type": "X"\n  "a": "flat"\n}');
    expect(stage(flattened).a).toBe('flat');
  });

  it('inserts a field like its neighbours: indentation, separator, key quotes and commas', () => {
    expect(writeStageOptions(HOCON, { delimiter: 'Pipe' })).toBe(
      HOCON.replace(
        '{"method": "AmazonIAM"}\n',
        '{"method": "AmazonIAM"},\n  "delimiter": "Pipe"\n'
      )
    );
    expect(
      writeStageOptions('{\n    type = X\n    name = a\n}', {
        description: 'd'
      })
    ).toBe('{\n    type = X\n    name = a\n    description = "d"\n}');
    expect(writeStageOptions('{\n  "a": 1,\n  "b": 2,\n}', { c: 3 })).toBe(
      '{\n  "a": 1,\n  "b": 2,\n  "c": 3,\n}'
    );
    expect(
      writeStageOptions('{\n  "a": 1, # one\n  "b": 2 # two\n}', { c: true })
    ).toBe('{\n  "a": 1, # one\n  "b": 2, # two\n  "c": true\n}');
    expect(
      writeStageOptions('{\r\n  "a": 1,\r\n  "b": 2\r\n}', { c: 'x' })
    ).toBe('{\r\n  "a": 1,\r\n  "b": 2,\r\n  "c": "x"\r\n}');
    expect(writeStageOptions('{ "a": 1,\n  "b": 2 }', { c: 3 })).toBe(
      '{ "a": 1,\n  "b": 2,\n  "c": 3 }'
    );
  });

  it('inserts into one-line and empty objects', () => {
    expect(writeStageOptions('{"type": "X"}', { name: 'n' })).toBe(
      '{"type": "X", "name": "n"}'
    );
    expect(writeStageOptions('{ type: X, name: a, }', { d: 'x' })).toBe(
      '{ type: X, name: a, d: "x", }'
    );
    expect(writeStageOptions('{a:1,b:2}', { c: 3 })).toBe('{a:1,b:2,c:3}');
    expect(writeStageOptions('{}', { type: 'X' })).toBe('{"type": "X"}');
    expect(writeStageOptions('{\n}', { type: 'X' })).toBe(
      '{\n  "type": "X"\n}'
    );
  });

  it('writes lists laid out like the list they replace', () => {
    const source =
      '{\n  "environments": [\n    "dev",\n    "test"\n  ],\n  "type": "X"\n}';
    expect(
      writeStageOptions(source, { environments: ['dev', 'test', 'prod'] })
    ).toBe(
      '{\n  "environments": [\n    "dev",\n    "test",\n    "prod"\n  ],\n  "type": "X"\n}'
    );
    expect(
      writeStageOptions('{"environments": ["a","b"]}', {
        environments: ['c', 'd']
      })
    ).toBe('{"environments": ["c","d"]}');
    expect(
      writeStageOptions('{"environments": ["a"]}', { environments: [] })
    ).toBe('{"environments": []}');
  });

  it('keeps a triple-quoted string triple-quoted when Arc reads it the same', () => {
    const source = '{\n  "type": "X",\n  "sql": """SELECT\n  1"""\n}';
    expect(writeStageOptions(source, { sql: 'SELECT\n  2' })).toBe(
      '{\n  "type": "X",\n  "sql": """SELECT\n  2"""\n}'
    );
    // Arc's stripMargin would cut the '|' of a triple-quoted line.
    const piped = writeStageOptions(source, { sql: 'SELECT\n  |2' });
    expect(piped).toBe('{\n  "type": "X",\n  "sql": "SELECT\\n  |2"\n}');
    expect(stage(piped).sql).toBe('SELECT\n  |2');
  });

  it('edits %arc cells below the magic line and cells with margins', () => {
    const source = '%arc name=x\n{\n  "type": "X",\n  |"name": "y"\n}';
    const edited = writeStageOptions(source, { name: 'z', outputView: 'v' });
    expect(edited).toBe(
      '%arc name=x\n{\n  "type": "X",\n  |"name": "z",\n  |"outputView": "v"\n}'
    );
    expect(stage(edited)).toEqual({ type: 'X', name: 'z', outputView: 'v' });
  });

  it('refuses what it cannot write', () => {
    expect(refusal(HOCON, { numPartitions: Infinity }).message).toMatch(
      /numPartitions: Infinity is not a number/
    );
    expect(() => writeStageOptions('%conf numRows=1', { a: 'b' })).toThrow(
      /not a stage/
    );
    expect(() => writeStageOptions('{"a": 1} {"b"', { a: 2 })).toThrow(
      StageOptionsError
    );
  });
});

// ------------------------------------------------------------- property test

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
        let options: StageOptions | null;
        try {
          options = readStageOptions(source);
        } catch (error) {
          expect(error).toBeInstanceOf(StageOptionsError);
          return;
        }
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
