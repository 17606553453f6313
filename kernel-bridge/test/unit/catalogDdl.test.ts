import {
  DdlError,
  likePattern,
  parseDdl
} from '../../src/catalog/localAthena/ddl';

describe('the local endpoint reads Hive DDL', () => {
  it('reads CREATE EXTERNAL TABLE for a native Delta table, names lower-cased', () => {
    expect(
      parseDdl(
        "CREATE EXTERNAL TABLE IF NOT EXISTS Sales.`Customers` LOCATION 's3://lake/delta/customers/' TBLPROPERTIES ('table_type'='DELTA');"
      )
    ).toEqual({
      kind: 'createTable',
      database: 'sales',
      name: 'customers',
      ifNotExists: true,
      columns: [],
      partitionKeys: [],
      location: 's3://lake/delta/customers/',
      properties: { table_type: 'DELTA' }
    });
  });

  it('reads columns with nested types, comments, partitions and the storage format', () => {
    const statement = parseDdl(`
      CREATE EXTERNAL TABLE orders (
        id bigint COMMENT 'the key',
        amount decimal(10, 2),
        tags array<struct<k:string,v:string>>
      )
      COMMENT 'raw orders'
      PARTITIONED BY (dt string)
      ROW FORMAT SERDE 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe'
      STORED AS PARQUET
      LOCATION 's3://lake/orders/'`);
    expect(statement).toMatchObject({
      kind: 'createTable',
      database: null,
      columns: [
        { name: 'id', type: 'bigint', comment: 'the key' },
        { name: 'amount', type: 'decimal(10,2)' },
        { name: 'tags', type: 'array<struct<k:string,v:string>>' }
      ],
      partitionKeys: [{ name: 'dt', type: 'string' }],
      comment: 'raw orders',
      storedAs: 'PARQUET',
      location: 's3://lake/orders/'
    });
  });

  it('keeps quotes, dots and unicode inside backticks and strings', () => {
    expect(
      parseDdl('DROP TABLE IF EXISTS `we``ird.db`.`tåble; drop` ')
    ).toEqual({
      kind: 'dropTable',
      database: 'we`ird.db',
      name: 'tåble; drop',
      ifExists: true
    });
    expect(
      parseDdl(
        "CREATE EXTERNAL TABLE t LOCATION 'file:///it\\'s here' TBLPROPERTIES ('table_type'='delta')"
      )
    ).toMatchObject({
      location: "file:///it's here",
      properties: { table_type: 'delta' }
    });
  });

  it('reads database DDL and SHOW', () => {
    expect(
      parseDdl("CREATE SCHEMA IF NOT EXISTS lake COMMENT 'the lake'")
    ).toEqual({
      kind: 'createDatabase',
      name: 'lake',
      ifNotExists: true,
      comment: 'the lake'
    });
    expect(parseDdl('DROP DATABASE lake CASCADE')).toEqual({
      kind: 'dropDatabase',
      name: 'lake',
      ifExists: false,
      cascade: true
    });
    expect(parseDdl("SHOW TABLES IN lake 'cust*'")).toEqual({
      kind: 'showTables',
      database: 'lake',
      like: 'cust*'
    });
    expect(parseDdl('show databases')).toEqual({ kind: 'showDatabases' });
  });

  it('leaves queries to the engine', () => {
    expect(parseDdl('SELECT * FROM lake.customers')).toBeNull();
    expect(
      parseDdl('-- a comment\nWITH x AS (SELECT 1) SELECT * FROM x')
    ).toBeNull();
  });

  it('says where DDL goes wrong', () => {
    const mistakes: [string, RegExp][] = [
      ['CREATE EXTERNAL TABLE t (id int', /expected "\)", found the end/],
      ['CREATE EXTERNAL TABLE t STORED AS PARQUET', /needs LOCATION/],
      ['CREATE TABLE t AS SELECT 1', /only CREATE EXTERNAL TABLE/],
      ["CREATE EXTERNAL TABLE t LOCATION 's3://x' extra", /unexpected text/],
      ["CREATE EXTERNAL TABLE t LOCATION 's3://x", /string is not closed/],
      ['DROP TABLE ``', /must not be empty/]
    ];
    for (const [sql, message] of mistakes) {
      let caught: unknown;
      try {
        parseDdl(sql);
      } catch (error) {
        caught = error;
      }
      expect([sql, caught instanceof DdlError]).toEqual([sql, true]);
      expect((caught as Error).message).toMatch(message);
    }
  });

  it("matches Hive's SHOW … LIKE and Athena's name expression", () => {
    expect(likePattern('cust*').test('customers')).toBe(true);
    expect(likePattern('cust*').test('xcustomers')).toBe(false);
    expect(likePattern('a*|*b').test('xb')).toBe(true);
    expect(likePattern('a.b').test('axb')).toBe(false);
    expect(likePattern('(x)').test('(x)')).toBe(true);
  });
});
