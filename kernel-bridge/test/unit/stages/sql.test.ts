import { analyzeSql, substituteParams } from '../../../src/stages/sql';

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
