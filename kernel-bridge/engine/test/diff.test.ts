import { diffNotebooks, textDiff } from '../src/diff';
import { notebook } from './helpers';

const A = '%sql name=a outputView=a environments=dev,test\nSELECT 1 AS x';
const B = '%sql name=b outputView=b environments=dev,test\nSELECT x FROM a';
const C = '%sql name=c outputView=c environments=dev,test\nSELECT x FROM b';

describe('stage diff of two notebook versions', () => {
  it('sees no change when only outputs, execution counts and markdown differ', () => {
    const before = JSON.parse(notebook([A, B])) as {
      cells: Record<string, unknown>[];
    };
    const after = JSON.parse(
      notebook([{ type: 'markdown', source: '# Notes' }, A, B])
    ) as {
      cells: Record<string, unknown>[];
    };
    after.cells[1] = {
      ...after.cells[1],
      execution_count: 7,
      outputs: [{ output_type: 'stream', name: 'stdout', text: ['x'] }]
    };
    const diff = diffNotebooks(JSON.stringify(before), JSON.stringify(after));
    expect(diff.summary).toEqual({
      added: 0,
      removed: 0,
      modified: 0,
      moved: 0,
      unchanged: 2
    });
  });

  it('reports added, removed and moved stages in the new order', () => {
    const diff = diffNotebooks(
      notebook([A, B, C]),
      notebook([C, A, '%sql name=d outputView=d environments=dev\nSELECT 4'])
    );
    expect(diff.stages.map(s => [s.name, s.change])).toEqual([
      ['c', 'moved'],
      ['a', 'unchanged'],
      ['d', 'added'],
      ['b', 'removed']
    ]);
    expect(diff.stages[0]).toMatchObject({
      before: { index: 2, cell: 2 },
      after: { index: 0, cell: 0 },
      moved: true
    });
  });

  it('gives the SQL line diff, changed options and changed environments of a modified stage', () => {
    const after =
      '%sql name=b outputView=b2 environments=dev,prod persist=true\nSELECT x\nFROM a\nWHERE x > 0';
    const [change] = diffNotebooks(notebook([B]), notebook([after])).stages;
    expect(change).toMatchObject({
      name: 'b',
      change: 'modified',
      moved: false
    });
    expect(change?.sql).toEqual([
      { op: '-', text: 'SELECT x FROM a' },
      { op: '+', text: 'SELECT x' },
      { op: '+', text: 'FROM a' },
      { op: '+', text: 'WHERE x > 0' }
    ]);
    expect(change?.options).toEqual([
      { key: 'outputView', before: '"b"', after: '"b2"' },
      { key: 'persist', before: 'false', after: 'true' }
    ]);
    expect(change?.environments).toEqual({
      added: ['prod'],
      removed: ['test']
    });
  });

  it('follows a renamed stage by its unchanged content', () => {
    const renamed = A.replace('name=a', 'name=first');
    const diff = diffNotebooks(notebook([A, B]), notebook([renamed, B]));
    expect(diff.stages[0]).toMatchObject({
      name: 'first',
      change: 'modified',
      options: [{ key: 'name', before: '"a"', after: '"first"' }]
    });
    expect(diff.summary.added + diff.summary.removed).toBe(0);
  });

  it('a misspelled %sqlvaildate shows as what Arc makes of it', () => {
    const diff = diffNotebooks(
      notebook([
        '%sqlvalidate name=check environments=dev\nSELECT TRUE AS valid, "{}" AS message'
      ]),
      notebook([
        '%sqlvaildate name=check environments=dev\nSELECT TRUE AS valid, "{}" AS message'
      ])
    );
    expect(diff.stages[0]).toMatchObject({
      change: 'modified',
      type: 'SQLTransform'
    });
    expect(diff.stages[0]?.options).toEqual(
      expect.arrayContaining([
        { key: 'type', before: '"SQLValidate"', after: '"SQLTransform"' }
      ])
    );
  });
});

describe('text diff', () => {
  it('marks kept, removed and added lines', () => {
    expect(textDiff('a\nb\nc\n', 'a\nc\nd\n')).toEqual([
      { op: ' ', text: 'a' },
      { op: '-', text: 'b' },
      { op: ' ', text: 'c' },
      { op: '+', text: 'd' }
    ]);
  });
});
