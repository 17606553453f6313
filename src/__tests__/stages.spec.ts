import type { CompileResponse, StageOptions } from 'arcade-engine';
import { diagnosticRange } from '../stages/diagnostics';
import { isSqlCell, toEditorDiagnostics } from '../stages/editor';
import { insertionContext, notebookForBridge } from '../stages/content';
import { countByCell, stageHeaders } from '../stages/header';
import { StageHeaderWidget } from '../stages/headerView';
import {
  minimalEdit,
  optionFields,
  parseFieldValue,
  StageOptionsForm
} from '../stages/optionsForm';
import * as engine from 'arcade-engine';
import { sortDiagnostics } from '../stages/problems';
import { templateBaseName, uniqueName } from '../stages/templates';

import { COMPILED, diagnostic, info, trans } from './fixtures';

describe('stage headers', () => {
  it('shows type, name, output view and environments of every stage cell', () => {
    const headers = stageHeaders(COMPILED);
    expect([...headers.keys()]).toEqual([1, 2, 4]);
    expect(headers.get(1)).toEqual({
      cell: 1,
      stage: 0,
      type: 'DelimitedExtract',
      name: 'extract customers',
      outputView: 'customers_raw',
      environments: ['dev', 'prod'],
      errors: 0,
      warnings: 0,
      magic: null
    });
    expect(headers.get(4)?.outputView).toBeNull();
    expect(headers.get(4)?.magic).toBe('%sqlvaildate');
  });

  it('falls back to the magic when the type is not a plain string', () => {
    const compiled: CompileResponse = {
      ...COMPILED,
      stages: [info(0, 1, { type: null, magic: '%arc' })]
    };
    expect(stageHeaders(compiled).get(1)?.type).toBe('%arc');
  });

  it('counts errors and warnings per cell, ignoring infos', () => {
    const diagnostics = [
      diagnostic(2, 'error'),
      diagnostic(2, 'error'),
      diagnostic(2, 'warning'),
      diagnostic(4, 'info')
    ];
    expect(countByCell(diagnostics).get(2)).toEqual({ errors: 2, warnings: 1 });
    const headers = stageHeaders(COMPILED, diagnostics);
    expect(headers.get(2)).toMatchObject({ errors: 2, warnings: 1 });
    expect(headers.get(4)).toMatchObject({ errors: 0, warnings: 0 });
  });

  it('renders a focusable header with chips and a lint badge', () => {
    const widget = new StageHeaderWidget({ trans, onProblems: jest.fn() });
    const header = stageHeaders(COMPILED, [diagnostic(2, 'error')]).get(2)!;
    widget.setHeader(header);
    const node = widget.node;
    expect(node.tabIndex).toBe(0);
    expect(node.querySelector('.jp-Arcade-StageHeader-type')?.textContent).toBe(
      'SQLTransform'
    );
    expect(
      Array.from(
        node.querySelectorAll('.jp-Arcade-StageHeader-environment')
      ).map(e => e.textContent)
    ).toEqual(['dev']);
    const lint = node.querySelector('.jp-Arcade-StageHeader-lint')!;
    expect(lint.classList.contains('jp-mod-error')).toBe(true);
    expect(node.getAttribute('aria-label')).toContain('1 errors, 0 warnings');
  });

  it('warns about a stage without environments and hides for a cell that is no stage', () => {
    const onProblems = jest.fn();
    const widget = new StageHeaderWidget({ trans, onProblems });
    widget.setHeader(stageHeaders(COMPILED).get(4)!);
    expect(
      widget.node.querySelector(
        '.jp-Arcade-StageHeader-environment.jp-mod-warning'
      )?.textContent
    ).toBe('no environment');
    widget.node
      .querySelector<HTMLButtonElement>('.jp-Arcade-StageHeader-lint')
      ?.click();
    expect(onProblems).toHaveBeenCalledTimes(1);
    widget.setHeader(null);
    expect(widget.isHidden).toBe(true);
  });

  it('offers Preview in Athena for each registered table the stage uses, kept across lint updates', () => {
    const onPreview = jest.fn();
    const widget = new StageHeaderWidget({
      trans,
      onProblems: jest.fn(),
      onPreview
    });
    const header = stageHeaders(COMPILED).get(2)!;
    widget.setHeader(header);
    const buttons = (): HTMLButtonElement[] =>
      Array.from(
        widget.node.querySelectorAll<HTMLButtonElement>(
          '.jp-Arcade-StageHeader-preview'
        )
      );
    expect(buttons()).toEqual([]);
    widget.setTables([{ database: 'lake', table: 'orders' }]);
    expect(buttons().map(b => b.textContent)).toEqual(['Preview in Athena']);
    expect(buttons()[0]?.title).toContain('lake.orders');
    // A new lint result redraws the header; the tables stay.
    widget.setHeader(stageHeaders(COMPILED, [diagnostic(2, 'error')]).get(2)!);
    buttons()[0]?.click();
    expect(onPreview).toHaveBeenCalledWith({
      database: 'lake',
      table: 'orders'
    });
    widget.setTables([
      { database: 'lake', table: 'orders' },
      { database: 'lake', table: 'customers' }
    ]);
    expect(buttons().map(b => b.textContent)).toEqual([
      'Preview orders',
      'Preview customers'
    ]);
    widget.setTables([]);
    expect(buttons()).toEqual([]);
  });

  it('shows no preview buttons without a catalog', () => {
    const widget = new StageHeaderWidget({ trans, onProblems: jest.fn() });
    widget.setHeader(stageHeaders(COMPILED).get(2)!);
    widget.setTables([{ database: 'lake', table: 'orders' }]);
    expect(
      widget.node.querySelector('.jp-Arcade-StageHeader-preview')
    ).toBeNull();
  });
});

describe('new stage names and %sql stages', () => {
  it('picks names that are not taken', () => {
    expect(uniqueName('transform', [])).toBe('transform');
    expect(uniqueName('transform', ['transform', 'transform_2'])).toBe(
      'transform_3'
    );
  });

  it('starts a template stage name from its type', () => {
    expect(templateBaseName('DeltaLakeLoad')).toBe('delta_lake_load');
    expect(templateBaseName('JDBCExecute')).toBe('jdbcexecute');
  });

  it('writes a %sql stage with name, output view and all environments', () => {
    const source = engine.sqlStageSource({
      name: 'transform',
      outputView: 'transform',
      inputView: 'customers'
    });
    expect(source.split('\n')[0]).toBe(
      '%sql name=transform outputView=transform environments=dev,test,prod'
    );
    expect(source).toContain('FROM customers');
    expect(isSqlCell(source)).toBe(true);
  });
});

describe('stage options form', () => {
  const magicSource =
    '%sql name="add columns" outputView=snapshot environments=dev,test numRows=5\nSELECT *\nFROM customers';
  const hoconSource = [
    '{',
    '  # where the extract reads from',
    '  "type": "DelimitedExtract",',
    '  "name": "extract",',
    '  "environments": ["dev", "test"],',
    '  "inputURI": ${ETL_CONF_DATA}"/customers.csv",',
    '  "outputView": "raw",',
    '  "header": true',
    '}'
  ].join('\n');
  const keysOf = (stage: StageOptions) =>
    stage.type === null ? null : engine.stageKeys(stage.type);

  it('fills the form from a magic line, and applies only what changed', () => {
    const stage = engine.readStageOptions(magicSource)!;
    const form = new StageOptionsForm(stage, keysOf(stage), trans);
    const inputs = Array.from(form.node.querySelectorAll('input'));
    expect(inputs.map(i => [i.name, i.value, i.disabled])).toEqual([
      ['name', 'add columns', false],
      ['description', '', false],
      ['outputView', 'snapshot', false],
      ['environments', 'dev,test', false],
      ['persist', '', false],
      ['numRows', '5', false]
    ]);
    expect(form.getValue()).toEqual({});
    const input = (name: string) => inputs.find(i => i.name === name)!;
    input('outputView').value = 'customers_snapshot';
    input('environments').value = 'dev, test,prod';
    input('numRows').value = '';
    input('persist').value = 'true';
    expect(form.getValue()).toEqual({
      outputView: 'customers_snapshot',
      environments: ['dev', 'test', 'prod'],
      numRows: null,
      persist: true
    });
    const after = engine.writeStageOptions(magicSource, form.getValue());
    expect(after).toBe(
      '%sql name="add columns" outputView=customers_snapshot environments=dev,test,prod persist=true\nSELECT *\nFROM customers'
    );
  });

  it('edits a HOCON stage in place, keeping comments and substitutions', () => {
    const stage = engine.readStageOptions(hoconSource)!;
    const form = new StageOptionsForm(stage, keysOf(stage), trans);
    const inputs = Array.from(form.node.querySelectorAll('input'));
    const input = (name: string) => inputs.find(i => i.name === name)!;
    expect(form.node.textContent).toContain('DelimitedExtract stage (HOCON)');
    // The substitution is shown as written and cannot be edited in the form.
    expect(input('inputURI').value).toBe('${ETL_CONF_DATA}"/customers.csv"');
    expect(input('inputURI').disabled).toBe(true);
    expect(input('header').value).toBe('true');
    input('outputView').value = 'customers_raw';
    input('header').value = 'false';
    input('description').value = 'the daily file';
    const changes = form.getValue();
    expect(changes).toEqual({
      outputView: 'customers_raw',
      header: false,
      description: 'the daily file'
    });
    const after = engine.writeStageOptions(hoconSource, changes);
    expect(after).toContain('  # where the extract reads from');
    expect(after).toContain('"inputURI": ${ETL_CONF_DATA}"/customers.csv",');
    expect(after).toContain('"outputView": "customers_raw"');
    const compiled = engine.compileNotebookJson({
      metadata: { kernelspec: { name: 'arc' } },
      cells: [{ cell_type: 'code', source: [after] }]
    });
    expect(compiled.job.stages[0]).toMatchObject({
      outputView: 'customers_raw',
      header: false,
      description: 'the daily file',
      name: 'extract'
    });
  });

  it('marks the keys the stage type requires', () => {
    const source = '{"type": "JDBCExecute", "name": "x"}';
    const stage = engine.readStageOptions(source)!;
    const fields = optionFields(stage, keysOf(stage), trans);
    expect(fields.filter(f => f.required).map(f => f.key)).toEqual([
      'name',
      'inputURI',
      'jdbcURL'
    ]);
  });

  it('types values like the option they replace', () => {
    expect(parseFieldValue('numPartitions', '8', undefined)).toBe('8');
    expect(parseFieldValue('environments', 'a, b,,c', undefined)).toEqual([
      'a',
      'b',
      'c'
    ]);
    expect(parseFieldValue('persist', 'TRUE', undefined)).toBe(true);
    expect(parseFieldValue('name', '   ', undefined)).toBeNull();
  });

  it('changes a cell by its smallest differing span', () => {
    expect(minimalEdit('abcXdef', 'abcYYdef')).toEqual({
      from: 3,
      to: 4,
      text: 'YY'
    });
    expect(minimalEdit('same', 'same')).toBeNull();
    expect(minimalEdit('aa', 'aaa')).toEqual({ from: 2, to: 2, text: 'a' });
  });
});

describe('stage templates', () => {
  const options = { name: 'stage', outputView: 'out', inputView: 'in' };
  const { STAGE_TEMPLATES } = engine;

  it.each(
    STAGE_TEMPLATES.filter(t => t.type !== 'SQLValidate').map(t => [t.type, t])
  )(
    '%s is a HOCON object with type, name and environments',
    (type, template) => {
      const source = template.source(options);
      expect(source.startsWith('{\n')).toBe(true);
      expect(source).toContain(`"type": "${type}"`);
      expect(source).toContain('"name": "stage"');
      expect(source).toContain('"environments": ["dev", "test", "prod"]');
      // Substitutions stay outside quotes so HOCON resolves them.
      expect(source).not.toMatch(/"\$\{/);
    }
  );

  it('wires views: extracts write the output view, loads read the input view', () => {
    const byType = new Map(
      STAGE_TEMPLATES.map(t => [t.type, t.source(options)])
    );
    expect(byType.get('DelimitedExtract')).toContain('"outputView": "out"');
    expect(byType.get('DelimitedExtract')).toContain(
      '"inputURI": ${LAKE}"/raw/*.csv"'
    );
    expect(byType.get('TypingTransform')).toContain('"inputView": "in"');
    expect(byType.get('DeltaLakeLoad')).toContain('"inputView": "in"');
    expect(byType.get('DeltaLakeLoad')).toContain('"saveMode": "Overwrite"');
    expect(byType.get('JDBCExecute')).toContain('"jdbcURL": ${JDBC_URL}');
  });

  it('writes SQLValidate as a %sqlvalidate cell returning valid and message', () => {
    const source = STAGE_TEMPLATES.find(t => t.type === 'SQLValidate')!.source(
      options
    );
    expect(source.split('\n')[0]).toBe(
      '%sqlvalidate name=stage environments=dev,test,prod'
    );
    expect(source).toContain('AS valid');
    expect(source).toContain('AS message');
    expect(source).toContain('FROM in');
  });

  it('writes a name with spaces or quotes as Arc reads it back', () => {
    const name = 'load "daily" prices';
    for (const source of [
      engine.sqlStageSource({ ...options, name }),
      ...STAGE_TEMPLATES.map(t => t.source({ ...options, name }))
    ]) {
      const stage = engine.readStageOptions(source)!;
      expect(stage.options.find(o => o.key === 'name')?.value).toBe(name);
    }
  });
});

describe('diagnostics in the editor', () => {
  const source = '%sql name=a outputView=v\nSELECT *\nFROM missing_view\n';

  it('maps 1-based line and column to the word at that place', () => {
    const range = diagnosticRange(source, { line: 3, column: 6 });
    expect(source.slice(range.from, range.to)).toBe('missing_view');
  });

  it('uses the end position when the linter gives one', () => {
    const range = diagnosticRange(source, {
      line: 2,
      column: 1,
      endLine: 3,
      endColumn: 5
    });
    expect(source.slice(range.from, range.to)).toBe('SELECT *\nFROM');
  });

  it('clamps positions of stale diagnostics into the source', () => {
    const range = diagnosticRange('SELECT 1', { line: 9, column: 40 });
    expect(range).toEqual({ from: 7, to: 8 });
    expect(diagnosticRange('', { line: 1, column: 1 })).toEqual({
      from: 0,
      to: 0
    });
  });

  it('turns lint diagnostics into CodeMirror diagnostics', () => {
    expect(
      toEditorDiagnostics(source, [
        diagnostic(0, 'warning', {
          line: 1,
          column: 13,
          code: 'sql-param-unused'
        })
      ])
    ).toEqual([
      {
        from: 12,
        to: 22,
        severity: 'warning',
        source: 'sql-param-unused',
        message: 'Table or view not found'
      }
    ]);
  });

  it('highlights only %sql and %sqlvalidate cells', () => {
    expect(isSqlCell('%sqlvalidate name=x\nSELECT 1')).toBe(true);
    expect(isSqlCell('%sql')).toBe(true);
    expect(isSqlCell('%sqlvaildate name=x')).toBe(false);
    expect(isSqlCell('{ "type": "SQLTransform" }')).toBe(false);
  });

  it('lists problems in reading order', () => {
    const sorted = sortDiagnostics([
      diagnostic(3, 'warning'),
      diagnostic(1, 'warning', { line: 2 }),
      diagnostic(1, 'error', { line: 2 }),
      diagnostic(1, 'info')
    ]);
    expect(sorted.map(d => [d.cell, d.line, d.severity])).toEqual([
      [1, 1, 'info'],
      [1, 2, 'error'],
      [1, 2, 'warning'],
      [3, 1, 'warning']
    ]);
  });
});

describe('the notebook sent to the bridge', () => {
  it('splits cell sources into lines like a saved .ipynb', () => {
    const notebook = {
      metadata: { kernelspec: { name: 'arc' } },
      cells: [
        { cell_type: 'code', source: '%sql name=a\nSELECT 1\n' },
        { cell_type: 'code', source: '' },
        { cell_type: 'markdown', source: ['# already', ' lines'] }
      ]
    };
    expect(notebookForBridge(notebook)).toEqual({
      metadata: { kernelspec: { name: 'arc' } },
      cells: [
        { cell_type: 'code', source: ['%sql name=a\n', 'SELECT 1\n'] },
        { cell_type: 'code', source: [] },
        { cell_type: 'markdown', source: ['# already', ' lines'] }
      ]
    });
  });

  it('finds the view a new stage reads: the last output view above it', () => {
    const headers = stageHeaders(COMPILED).values();
    expect(insertionContext(headers, 3)).toEqual({
      names: ['extract customers', 'clean', 'typo'],
      views: ['customers_raw', 'customers'],
      inputView: 'customers'
    });
    expect(insertionContext(stageHeaders(COMPILED).values(), 1).inputView).toBe(
      'customers_raw'
    );
    expect(insertionContext([], 0).inputView).toBeNull();
  });
});
