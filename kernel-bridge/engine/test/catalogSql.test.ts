import {
  athenaIdentifier,
  backtickIdentifier,
  draggedTableName,
  notebookQueryCell,
  hiveString,
  previewSql,
  registerDeltaSql,
  splitTableName
} from '../src';

describe('catalog names in SQL', () => {
  const hostile = [
    'plain',
    'with space',
    'dot.ted',
    'quo"te',
    'back`tick',
    "it's",
    'ünïcødé',
    'x"; DROP TABLE t; --'
  ];

  it('quotes every name so that it reads back as itself', () => {
    for (const name of hostile) {
      const quoted = athenaIdentifier(name);
      expect(quoted.startsWith('"') && quoted.endsWith('"')).toBe(true);
      expect(quoted.slice(1, -1).replace(/""/g, '"')).toBe(name);
      expect(quoted.slice(1, -1).replace(/""/g, '')).not.toContain('"');
      const ticked = backtickIdentifier(name);
      expect(ticked.slice(1, -1).replace(/``/g, '`')).toBe(name);
      expect(
        splitTableName(`${athenaIdentifier(name)}.${backtickIdentifier(name)}`)
      ).toEqual({
        database: name,
        table: name
      });
    }
  });

  it('writes a preview with a whole-number limit', () => {
    expect(previewSql('sales', 'x"; DROP TABLE t; --', 100)).toBe(
      'SELECT * FROM "sales"."x""; DROP TABLE t; --" LIMIT 100'
    );
    expect(previewSql('a', 'b', 10.7)).toMatch(/LIMIT 10$/);
    expect(previewSql('a', 'b', -5)).toMatch(/LIMIT 1$/);
  });

  it('escapes locations in DDL strings', () => {
    expect(hiveString("s3://b/it's\\x")).toBe("'s3://b/it\\'s\\\\x'");
    expect(registerDeltaSql('lake', 'orders', 's3://b/orders')).toBe(
      "CREATE EXTERNAL TABLE IF NOT EXISTS `lake`.`orders` LOCATION 's3://b/orders' TBLPROPERTIES ('table_type'='DELTA')"
    );
  });

  it('reads DATABASE.TABLE and refuses anything else', () => {
    expect(splitTableName('lake.orders')).toEqual({
      database: 'lake',
      table: 'orders'
    });
    expect(splitTableName('"my.db"."t"')).toEqual({
      database: 'my.db',
      table: 't'
    });
    for (const bad of ['orders', 'a.b.c', '"a.b', 'a.', '.b', 'a b.c']) {
      expect([bad, splitTableName(bad)]).toEqual([bad, null]);
    }
  });
});

describe('cells and names for the notebook', () => {
  it('writes a %sql stage that reads a Delta table by location in Spark', () => {
    expect(
      notebookQueryCell(
        {
          database: 'lake',
          name: 'customers',
          format: 'DELTA',
          location: 's3://arcade-lake/delta/customers'
        },
        100,
        ['dev', 'test']
      )
    ).toBe(
      '%sql name="query lake.customers" outputView=customers_sample environments=dev,test\n' +
        '-- DELTA table lake.customers\nSELECT *\nFROM delta.`s3a://arcade-lake/delta/customers`\nLIMIT 100'
    );
  });

  it('keeps hostile names out of the magic line and quotes them in SQL', () => {
    const cell = notebookQueryCell(
      { database: 'we"ird', name: '9 x`y"', format: 'CSV', location: null },
      5,
      ['dev', 'bad env']
    );
    const [magic, , , from] = cell.split('\n');
    expect(magic).toBe(
      '%sql name="query we ird.9 x`y" outputView=t_9_x_y_sample environments=dev'
    );
    expect(from).toBe('FROM `we"ird`.`9 x``y"`');
    expect(draggedTableName('lake', 'customers')).toBe('lake.customers');
    expect(draggedTableName('my lake', 'a`b')).toBe('`my lake`.`a``b`');
  });
});
