import { readFileSync } from 'node:fs';
import path from 'node:path';
import { compileNotebook } from '../src/compile';
import { dataRefsByCell, stageDataRefs, uriText } from '../src/dataRefs';
import { notebook } from './helpers';

const SAMPLES = path.resolve(__dirname, '../../../sample-workspace/notebooks');

describe('data references of stages', () => {
  it('finds Delta locations as written, ${NAME} kept', () => {
    const compiled = compileNotebook(
      notebook([
        '{\n "type": "DeltaLakeExtract", "name": "read", "environments": ["dev"],\n' +
          ' "inputURI": ${ETL_CONF_LAKE}"/delta/customers", "outputView": "c"\n}',
        '{\n "type": "DeltaLakeLoad", "name": "write", "environments": ["dev"],\n' +
          ' "inputView": "c", "outputURI": "s3a://lake/delta/out/"\n}',
        '{\n "type": "DeltaLakeMergeLoad", "name": "merge", "environments": ["dev"],\n' +
          ' "inputView": "c", "outputURI": ${ETL_CONF_LAKE}"/delta/m", "condition": "a = b"\n}',
        '{\n "type": "CSVExtract", "name": "csv", "environments": ["dev"],\n' +
          ' "inputURI": "s3a://raw/x.csv", "outputView": "raw"\n}'
      ])
    );
    expect([...dataRefsByCell(compiled)]).toEqual([
      [0, [{ kind: 'location', text: '${ETL_CONF_LAKE}/delta/customers' }]],
      [1, [{ kind: 'location', text: 's3a://lake/delta/out/' }]],
      [2, [{ kind: 'location', text: '${ETL_CONF_LAKE}/delta/m' }]]
    ]);
  });

  it('finds qualified tables and Delta paths in SQL, not views or other files', () => {
    const compiled = compileNotebook(
      notebook([
        '%sql outputView=v environments=dev sqlParams=t=${ETL_CONF_LAKE}/delta/t\n' +
          'SELECT * FROM lake.orders o\n' +
          'JOIN `my db`.`odd.name` x ON o.id = x.id\n' +
          'JOIN delta.`${t}` d ON d.id = o.id\n' +
          'JOIN parquet.`file:///data/p` p ON p.id = o.id\n' +
          'JOIN csv.`file:///data/c.csv` c ON c.id = o.id\n' +
          'JOIN staging s ON s.id = o.id\n' +
          'JOIN lake.orders again ON again.id = o.id',
        '%sql outputView=w environments=dev\n' +
          'MERGE INTO delta.`s3a://lake/delta/target` t USING v ON t.id = v.id\n' +
          'WHEN MATCHED THEN UPDATE SET *'
      ])
    );
    const refs = dataRefsByCell(compiled);
    expect(refs.get(0)).toEqual([
      { kind: 'table', database: 'lake', table: 'orders' },
      { kind: 'table', database: 'my db', table: 'odd.name' },
      { kind: 'location', text: '${ETL_CONF_LAKE}/delta/t' },
      { kind: 'location', text: 'file:///data/p' }
    ]);
    expect(refs.get(1)).toEqual([
      { kind: 'location', text: 's3a://lake/delta/target' }
    ]);
  });

  it('finds the Delta tables the sample notebooks load and merge', () => {
    const text = readFileSync(
      path.join(SAMPLES, '03_customers_scd2_merge.ipynb'),
      'utf8'
    );
    const all = [...dataRefsByCell(compileNotebook(text)).values()].flat();
    expect(all).toContainEqual({
      kind: 'location',
      text: '${ETL_CONF_LAKE}/delta/customers'
    });
  });

  it('ignores stages without data and unknown URI shapes', () => {
    expect(stageDataRefs({ type: 'SQLValidate', sql: 'SELECT TRUE' })).toEqual(
      []
    );
    expect(stageDataRefs({ type: 'DeltaLakeLoad', outputURI: 42 })).toEqual([]);
    expect(uriText({ $concat: [{ $subst: 'A' }, '/b'] })).toBe('${A}/b');
    expect(uriText([1])).toBeNull();
  });
});
