import { sql, SQLDialect } from '@codemirror/lang-sql';
import { setDiagnostics, type Diagnostic } from '@codemirror/lint';
import {
  Compartment,
  EditorState,
  Prec,
  type Extension,
  type Text
} from '@codemirror/state';
import type { EditorView } from '@codemirror/view';
import {
  Decoration,
  type DecorationSet,
  ViewPlugin,
  type ViewUpdate
} from '@codemirror/view';
import type { LintDiagnostic } from 'arcade-engine';
import { diagnosticRange } from './diagnostics';

/**
 * Spark SQL as Arc's `%sql` cells use it: backtick identifiers, `--` and
 * block comments, double-quoted strings, backslash escapes.
 */
export const SparkSQL = SQLDialect.define({
  keywords:
    'select from where group by having order sort cluster distribute limit offset as and or not in is null ' +
    'like rlike ilike between case when then else end join inner left right full outer cross semi anti on using ' +
    'lateral view explode posexplode union intersect except minus all distinct with recursive insert into overwrite ' +
    'table values create replace temporary temp drop if exists alter delete update merge matched over partition ' +
    'rows range unbounded preceding following current row window pivot unpivot tablesample true false ' +
    'cast try_cast interval asc desc nulls first last qualify describe show',
  types:
    'boolean tinyint smallint int integer bigint float double decimal numeric string varchar char binary ' +
    'date timestamp timestamp_ntz array map struct',
  builtin:
    'count sum avg min max coalesce nvl concat concat_ws substring substr trim upper lower length size ' +
    'to_date to_timestamp date_format current_date current_timestamp datediff date_add date_sub year month ' +
    'day hour minute second named_struct struct to_json from_json collect_list collect_set first_value ' +
    'last_value row_number rank dense_rank lag lead regexp_replace regexp_extract split array_contains ' +
    'if ifnull round floor ceil abs hash md5 sha2 uuid monotonically_increasing_id',
  backslashEscapes: true,
  doubleQuotedStrings: true
});

const SQL_MAGIC = /^\s*%sql(validate)?(\s|$)/;

/**
 * True when a cell is a `%sql` or `%sqlvalidate` stage. A misspelled magic
 * such as `%sqlvaildate` is not highlighted, which makes it stand out.
 */
export function isSqlCell(source: string): boolean {
  return SQL_MAGIC.test(source.split('\n', 1)[0] ?? '');
}

function firstLine(doc: Text): string {
  return doc.lines > 0 ? doc.line(1).text : '';
}

const magicMark = Decoration.mark({ class: 'jp-Arcade-magicLine' });

/** Keeps the magic line out of the SQL colouring: it holds options, not SQL. */
const plainMagicLine = ViewPlugin.fromClass(
  class {
    constructor(view: EditorView) {
      this.decorations = this._build(view);
    }

    update(update: ViewUpdate): void {
      if (update.docChanged) {
        this.decorations = this._build(update.view);
      }
    }

    private _build(view: EditorView): DecorationSet {
      const line = view.state.doc.line(1);
      return line.to > line.from && isSqlCell(line.text)
        ? Decoration.set([magicMark.range(line.from, line.to)])
        : Decoration.none;
    }

    decorations: DecorationSet;
  },
  { decorations: plugin => plugin.decorations }
);

/**
 * Spark SQL highlighting for a cell whose first line is `%sql` or
 * `%sqlvalidate`, switched on and off as the user edits the first line.
 */
export function sparkSqlExtension(initialSource: string): Extension {
  const language = new Compartment();
  const sparkSql = Prec.highest(sql({ dialect: SparkSQL }));
  const languageFor = (isSql: boolean): Extension => (isSql ? sparkSql : []);
  return [
    language.of(languageFor(isSqlCell(initialSource))),
    EditorState.transactionExtender.of(transaction => {
      if (!transaction.docChanged) {
        return null;
      }
      const before = isSqlCell(firstLine(transaction.startState.doc));
      const after = isSqlCell(firstLine(transaction.newDoc));
      return before === after
        ? null
        : { effects: language.reconfigure(languageFor(after)) };
    }),
    plainMagicLine
  ];
}

/**
 * The CodeMirror diagnostics for one cell's source.
 */
export function toEditorDiagnostics(
  source: string,
  diagnostics: readonly LintDiagnostic[]
): Diagnostic[] {
  return diagnostics.map(diagnostic => {
    const range = diagnosticRange(source, diagnostic);
    return {
      from: range.from,
      to: range.to,
      severity: diagnostic.severity,
      source: diagnostic.code,
      message: diagnostic.message
    };
  });
}

/**
 * Underline a cell's diagnostics in its editor, replacing earlier ones.
 */
export function showDiagnostics(
  view: EditorView,
  diagnostics: readonly LintDiagnostic[]
): void {
  const source = view.state.doc.toString();
  view.dispatch(
    setDiagnostics(view.state, toEditorDiagnostics(source, diagnostics))
  );
}
