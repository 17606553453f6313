import { analyzeSql, substituteParams } from '../src/sql';

describe('Spark SQL analysis', () => {
  it('substitutes sqlParams like Arc, including ${ k } and ${k=default}', () => {
    const result = substituteParams('SELECT ${ a } , ${b=2}, ${c}', {
      a: 'x',
      b: 'y'
    });
    expect(result.text).toBe('SELECT x , y, __arcade_param_c');
    expect([...result.used]).toEqual(['a', 'b']);
    expect(result.missing).toEqual([{ name: 'c', start: 24, end: 28 }]);
  });

  it('reads table references after substitution, without CTE names or subqueries', () => {
    const sql =
      'WITH recent AS (SELECT * FROM ${src})\nSELECT * FROM recent r JOIN db.dim d ON r.id = d.id JOIN (SELECT 1 AS id) s ON s.id = r.id JOIN range(3) n';
    const { tables, syntax } = analyzeSql(sql, { src: 'staging' });
    expect(syntax).toEqual([]);
    expect(tables.map(t => [t.name, sql.slice(t.start, t.end)])).toEqual([
      ['staging', '${src}'],
      ['db.dim', 'db.dim']
    ]);
  });

  it('takes CREATE VIEW / CREATE TABLE targets as created, TEMP as Spark does', () => {
    for (const sql of [
      'CREATE OR REPLACE TEMP VIEW recent AS SELECT * FROM orders',
      'create global temp view recent AS SELECT * FROM orders',
      'CREATE TEMPORARY VIEW recent AS SELECT * FROM orders',
      'CREATE TABLE recent USING delta AS SELECT * FROM orders'
    ]) {
      const { syntax, tables, writes, creates } = analyzeSql(sql, {});
      expect([sql, syntax]).toEqual([sql, []]);
      expect(tables.map(t => t.name)).toEqual(['orders']);
      expect(creates.map(t => [t.name, sql.slice(t.start, t.end)])).toEqual([
        ['recent', 'recent']
      ]);
      expect(writes.map(t => t.name)).toEqual(['recent']);
    }
    // Only where Spark reads TEMP as TEMPORARY.
    expect(
      analyzeSql('CREATE TEMP TABLE x AS SELECT 1', {}).syntax
    ).not.toEqual([]);
  });

  it('places a syntax error inside a substituted value at its ${…}', () => {
    const sql = 'SELECT * FROM ${t}';
    const [error] = analyzeSql(sql, { t: 'a b c d' }).syntax;
    expect(error).toBeDefined();
    expect(sql.slice(error?.start, error?.end)).toBe('${t}');
  });

  it('late-bound values (${VAR} in sqlParams) parse as identifiers', () => {
    const result = analyzeSql('SELECT CAST(${now} AS timestamp) AS t', {
      now: null
    });
    expect(result.syntax).toEqual([]);
    expect(result.missingParams).toEqual([]);
    expect(result.unusedParams).toEqual([]);
  });

  it('finds nondeterministic calls outside strings and comments', () => {
    const found = analyzeSql(
      "SELECT current_timestamp, uuid(), 'rand()' -- now()\n, CURRENT_DATE()",
      {}
    ).nondeterministic;
    expect(found.map(f => f.name)).toEqual([
      'current_timestamp',
      'uuid',
      'current_date'
    ]);
  });
});

/** The merge cell of sample-workspace/notebooks/03_customers_scd2_merge.ipynb. */
const SCD2_MERGE = `MERGE INTO delta.\`\${customers_table}\` AS target
USING merge_source AS source
ON source.merge_key = target.customer_id AND target.is_current
WHEN MATCHED AND source.row_hash <> target.row_hash THEN
  UPDATE SET is_current = FALSE, valid_to = source.valid_from
WHEN NOT MATCHED THEN
  INSERT (customer_id, name, email, state, segment, signup_date, credit_limit, valid_from, valid_to, is_current, row_hash)
  VALUES (source.customer_id, source.name, source.email, source.state, source.segment, source.signup_date,
          source.credit_limit, source.valid_from, source.valid_to, source.is_current, source.row_hash)`;

describe('Spark SQL analysis: reads and writes', () => {
  it('reads the USING source of a MERGE and writes its delta.`path` target', () => {
    // The notebook's sqlParams value is ${ETL_CONF_LAKE}/delta/customers, known at run time.
    const result = analyzeSql(SCD2_MERGE, { customers_table: null });
    expect(result.syntax).toEqual([]);
    expect(
      result.tables.map(t => [t.name, t.path, SCD2_MERGE.slice(t.start, t.end)])
    ).toEqual([['merge_source', null, 'merge_source']]);
    expect(
      result.writes.map(t => [t.path, SCD2_MERGE.slice(t.start, t.end)])
    ).toEqual([['${customers_table}', 'delta.`${customers_table}`']]);
    expect(result.columns).toBeNull();
  });

  it('reads every table of a MERGE source subquery and writes a catalog table target', () => {
    const sql = `MERGE INTO lake.customers AS t
USING (
  SELECT c.*, s.valid_from AS previous_from
  FROM changes c
  LEFT JOIN snapshot s ON s.customer_id = c.customer_id AND s.is_current
) AS src
ON t.customer_id = src.customer_id
WHEN MATCHED THEN UPDATE SET *
WHEN NOT MATCHED THEN INSERT *`;
    const result = analyzeSql(sql, {});
    expect(result.syntax).toEqual([]);
    expect(result.tables.map(t => t.name)).toEqual(['changes', 'snapshot']);
    expect(result.writes.map(t => [t.name, t.path])).toEqual([
      ['lake.customers', null]
    ]);
  });

  it('keeps a path given whole as a parameter value', () => {
    const sql =
      'MERGE INTO delta.`${path}` t USING updates u ON t.id = u.id WHEN MATCHED THEN DELETE';
    const { writes, tables } = analyzeSql(sql, { path: 's3a://lake/delta/t' });
    expect(writes.map(w => w.path)).toEqual(['${path}']);
    expect(tables.map(t => t.name)).toEqual(['updates']);
  });

  it('writes the targets of INSERT, UPDATE and DELETE, reads the rest', () => {
    const insert = analyzeSql(
      'INSERT OVERWRITE TABLE lake.daily SELECT * FROM staged',
      {}
    );
    expect(insert.writes.map(t => t.name)).toEqual(['lake.daily']);
    expect(insert.tables.map(t => t.name)).toEqual(['staged']);
    expect(
      analyzeSql('UPDATE lake.t SET a = 1 WHERE b = 2', {}).writes.map(
        t => t.name
      )
    ).toEqual(['lake.t']);
    expect(
      analyzeSql(
        'DELETE FROM delta.`s3a://lake/t` WHERE id IN (SELECT id FROM gone)',
        {}
      )
    ).toMatchObject({
      writes: [{ name: 'delta.`s3a://lake/t`', path: 's3a://lake/t' }],
      tables: [{ name: 'gone', path: null }]
    });
  });

  it('reads files at a path and does not take a LATERAL VIEW generator for a view', () => {
    const { tables, syntax } = analyzeSql(
      'SELECT o.id, item FROM parquet.`s3a://lake/orders` o LATERAL VIEW explode(o.items) e AS item',
      {}
    );
    expect(syntax).toEqual([]);
    expect(tables.map(t => [t.name, t.path])).toEqual([
      ['parquet.`s3a://lake/orders`', 's3a://lake/orders']
    ]);
  });
});

describe('Spark SQL analysis: result columns', () => {
  it('names columns by alias or column name and marks expressions without an alias', () => {
    const { columns } = analyzeSql(
      'SELECT c.customer_id, `Full Name`, upper(c.email) AS email, lower(state), 1 AS one, c.address.city FROM customers c',
      {}
    );
    const customers = { kind: 'table', name: ['customers'] };
    expect(columns).toEqual([
      { kind: 'named', name: 'customer_id', from: [customers] },
      { kind: 'named', name: 'Full Name', from: [customers] },
      { kind: 'named', name: 'email', from: [] },
      { kind: 'unnamed' },
      { kind: 'named', name: 'one', from: [] },
      { kind: 'named', name: 'city', from: [] }
    ]);
  });

  it('resolves * and t.* to the relations in scope, CTEs and subqueries included', () => {
    const { columns } = analyzeSql(
      `WITH latest (id, seen) AS (SELECT id, max(ts) FROM events GROUP BY id)
SELECT e.*, l.* FROM (SELECT id, kind FROM events) e JOIN latest l ON l.id = e.id`,
      {}
    );
    expect(columns).toEqual([
      {
        kind: 'all',
        from: [
          {
            kind: 'query',
            columns: [
              {
                kind: 'named',
                name: 'id',
                from: [{ kind: 'table', name: ['events'] }]
              },
              {
                kind: 'named',
                name: 'kind',
                from: [{ kind: 'table', name: ['events'] }]
              }
            ]
          }
        ]
      },
      {
        kind: 'all',
        from: [
          {
            kind: 'query',
            columns: [
              { kind: 'named', name: 'id', from: [] },
              { kind: 'named', name: 'seen', from: [] }
            ]
          }
        ]
      }
    ]);
  });

  it('gives no columns for statements that are not one query, or do not parse', () => {
    expect(
      analyzeSql(SCD2_MERGE, { customers_table: null }).columns
    ).toBeNull();
    expect(analyzeSql('SELECT 1 AS a; SELECT 2 AS b', {}).columns).toBeNull();
    expect(analyzeSql('SELECT a FROM', {}).columns).toBeNull();
    expect(
      analyzeSql('CREATE TABLE t AS SELECT 1 AS a', {}).columns
    ).toBeNull();
  });

  it('does not name a column after a parameter known only at run time', () => {
    expect(
      analyzeSql('SELECT ${col}, ${col} AS again, id AS ${alias} FROM t', {
        col: null,
        alias: null
      }).columns
    ).toEqual([
      { kind: 'unnamed' },
      { kind: 'named', name: 'again', from: [] },
      { kind: 'unnamed' }
    ]);
  });
});
