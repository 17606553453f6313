import { readStageOptions, StageOptionsError } from '../src/options';
import { HOCON, MAGIC, read, span, stage, values } from './optionsHelpers';

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
