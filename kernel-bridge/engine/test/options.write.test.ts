import { StageOptionsError, writeStageOptions } from '../src/options';
import type { OptionValue } from '../src/types';
import {
  HOCON,
  MAGIC,
  expectChangeWithin,
  span,
  refusal,
  stage,
  values
} from './optionsHelpers';

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
