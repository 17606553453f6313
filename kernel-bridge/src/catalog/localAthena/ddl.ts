/**
 * The Hive DDL the local Athena endpoint understands — the statements Arc
 * jobs and the crawler send to register tables — parsed into plain objects.
 * Anything else is not DDL here and goes to the query engine.
 */

export interface DdlColumn {
  name: string;
  type: string;
  comment?: string;
}

export type DdlStatement =
  | {
      kind: 'createDatabase';
      name: string;
      ifNotExists: boolean;
      comment?: string;
      location?: string;
    }
  | { kind: 'dropDatabase'; name: string; ifExists: boolean; cascade: boolean }
  | {
      kind: 'createTable';
      database: string | null;
      name: string;
      ifNotExists: boolean;
      columns: DdlColumn[];
      partitionKeys: DdlColumn[];
      comment?: string;
      location: string;
      storedAs?: string;
      properties: Record<string, string>;
    }
  | {
      kind: 'dropTable';
      database: string | null;
      name: string;
      ifExists: boolean;
    }
  | { kind: 'showDatabases'; like?: string }
  | { kind: 'showTables'; database: string | null; like?: string };

/** A statement that looks like DDL but is not valid; `offset` is where. */
export class DdlError extends Error {
  constructor(
    message: string,
    readonly offset: number
  ) {
    super(message);
  }
}

type TokenKind = 'word' | 'quoted' | 'string' | 'symbol' | 'end';

interface Token {
  kind: TokenKind;
  /** The word upper-cased, the identifier or string unescaped, or the symbol. */
  text: string;
  start: number;
  end: number;
}

function tokenize(sql: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i] ?? '';
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '-' && sql[i + 1] === '-') {
      while (i < sql.length && sql[i] !== '\n') {
        i++;
      }
      continue;
    }
    if (c === '/' && sql[i + 1] === '*') {
      const close = sql.indexOf('*/', i + 2);
      if (close < 0) {
        throw new DdlError('comment is not closed', i);
      }
      i = close + 2;
      continue;
    }
    const start = i;
    if (c === '`') {
      let text = '';
      i++;
      for (;;) {
        if (i >= sql.length) {
          throw new DdlError('quoted name is not closed', start);
        }
        if (sql[i] === '`') {
          if (sql[i + 1] === '`') {
            text += '`';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        text += sql[i] ?? '';
        i++;
      }
      tokens.push({ kind: 'quoted', text, start, end: i });
      continue;
    }
    if (c === "'" || c === '"') {
      let text = '';
      i++;
      for (;;) {
        if (i >= sql.length) {
          throw new DdlError('string is not closed', start);
        }
        const d = sql[i] ?? '';
        if (d === '\\' && i + 1 < sql.length) {
          text += sql[i + 1] ?? '';
          i += 2;
          continue;
        }
        if (d === c) {
          if (sql[i + 1] === c) {
            text += c;
            i += 2;
            continue;
          }
          i++;
          break;
        }
        text += d;
        i++;
      }
      tokens.push({ kind: 'string', text, start, end: i });
      continue;
    }
    const word = /^[\p{L}\p{N}_$]+/u.exec(sql.slice(i));
    if (word !== null) {
      i += word[0].length;
      tokens.push({
        kind: 'word',
        text: word[0].toUpperCase(),
        start,
        end: i
      });
      continue;
    }
    i++;
    tokens.push({ kind: 'symbol', text: c, start, end: i });
  }
  tokens.push({ kind: 'end', text: '', start: sql.length, end: sql.length });
  return tokens;
}

class Parser {
  #at = 0;

  constructor(
    private readonly sql: string,
    private readonly tokens: Token[]
  ) {}

  peek(offset = 0): Token {
    return (
      this.tokens[Math.min(this.#at + offset, this.tokens.length - 1)] ?? {
        kind: 'end',
        text: '',
        start: this.sql.length,
        end: this.sql.length
      }
    );
  }

  next(): Token {
    const token = this.peek();
    this.#at = Math.min(this.#at + 1, this.tokens.length - 1);
    return token;
  }

  isWord(...words: string[]): boolean {
    return words.every(
      (word, i) => this.peek(i).kind === 'word' && this.peek(i).text === word
    );
  }

  accept(...words: string[]): boolean {
    if (!this.isWord(...words)) {
      return false;
    }
    this.#at += words.length;
    return true;
  }

  expect(word: string): void {
    if (!this.accept(word)) {
      this.fail(`expected ${word}`);
    }
  }

  acceptSymbol(symbol: string): boolean {
    if (this.peek().kind === 'symbol' && this.peek().text === symbol) {
      this.next();
      return true;
    }
    return false;
  }

  expectSymbol(symbol: string): void {
    if (!this.acceptSymbol(symbol)) {
      this.fail(`expected "${symbol}"`);
    }
  }

  fail(message: string): never {
    const token = this.peek();
    const found =
      token.kind === 'end'
        ? 'the end of the statement'
        : `"${this.sql.slice(token.start, token.end)}"`;
    throw new DdlError(`${message}, found ${found}`, token.start);
  }

  /** A name: a bare word (lower-cased, as Athena stores it) or a `quoted` one. */
  name(what: string): string {
    const token = this.peek();
    if (token.kind === 'word') {
      this.next();
      return this.sql.slice(token.start, token.end).toLowerCase();
    }
    if (token.kind === 'quoted') {
      this.next();
      if (token.text === '') {
        throw new DdlError(`${what} must not be empty`, token.start);
      }
      return token.text.toLowerCase();
    }
    return this.fail(`expected a ${what}`);
  }

  /** `[database.]table` */
  qualifiedName(): { database: string | null; name: string } {
    const first = this.name('table name');
    if (this.acceptSymbol('.')) {
      return { database: first, name: this.name('table name') };
    }
    return { database: null, name: first };
  }

  string(what: string): string {
    const token = this.peek();
    if (token.kind !== 'string') {
      return this.fail(`expected ${what} as a quoted string`);
    }
    this.next();
    return token.text;
  }

  /** A column type as written, up to a comma, a closing parenthesis or COMMENT at depth 0. */
  columnType(): string {
    const start = this.peek().start;
    let depth = 0;
    let end = start;
    for (;;) {
      const token = this.peek();
      if (token.kind === 'end') {
        break;
      }
      if (depth === 0 && token.kind === 'word' && token.text === 'COMMENT') {
        break;
      }
      if (token.kind === 'symbol') {
        if (token.text === '<' || token.text === '(') {
          depth++;
        } else if (token.text === '>' || token.text === ')') {
          if (depth === 0) {
            break;
          }
          depth--;
        } else if (token.text === ',' && depth === 0) {
          break;
        }
      }
      end = token.end;
      this.next();
    }
    const type = this.sql.slice(start, end).replace(/\s+/g, '').toLowerCase();
    if (type === '') {
      this.fail('expected a column type');
    }
    return type;
  }

  columns(): DdlColumn[] {
    this.expectSymbol('(');
    const columns: DdlColumn[] = [];
    do {
      const name = this.name('column name');
      const type = this.columnType();
      const column: DdlColumn = { name, type };
      if (this.accept('COMMENT')) {
        column.comment = this.string('the comment');
      }
      columns.push(column);
    } while (this.acceptSymbol(','));
    this.expectSymbol(')');
    return columns;
  }

  properties(): Record<string, string> {
    this.expectSymbol('(');
    const properties: Record<string, string> = {};
    if (this.acceptSymbol(')')) {
      return properties;
    }
    do {
      const key = this.string('the property name');
      this.expectSymbol('=');
      properties[key.toLowerCase()] = this.string('the property value');
    } while (this.acceptSymbol(','));
    this.expectSymbol(')');
    return properties;
  }

  /** Skips `ROW FORMAT …`/`WITH SERDEPROPERTIES (…)` up to the next known clause. */
  skipUntil(...words: string[]): void {
    let depth = 0;
    for (;;) {
      const token = this.peek();
      if (token.kind === 'end') {
        return;
      }
      if (depth === 0 && token.kind === 'word' && words.includes(token.text)) {
        return;
      }
      if (token.kind === 'symbol' && token.text === '(') {
        depth++;
      } else if (token.kind === 'symbol' && token.text === ')') {
        depth--;
      }
      this.next();
    }
  }

  finish(): void {
    this.acceptSymbol(';');
    if (this.peek().kind !== 'end') {
      this.fail('unexpected text after the statement');
    }
  }
}

function createDatabase(p: Parser): DdlStatement {
  const ifNotExists = p.accept('IF', 'NOT', 'EXISTS');
  const name = p.name('database name');
  const statement: DdlStatement = { kind: 'createDatabase', name, ifNotExists };
  for (;;) {
    if (p.accept('COMMENT')) {
      statement.comment = p.string('the comment');
    } else if (p.accept('LOCATION')) {
      statement.location = p.string('the location');
    } else if (p.accept('WITH', 'DBPROPERTIES')) {
      p.properties();
    } else {
      break;
    }
  }
  p.finish();
  return statement;
}

function createTable(p: Parser): DdlStatement {
  const ifNotExists = p.accept('IF', 'NOT', 'EXISTS');
  const { database, name } = p.qualifiedName();
  const columns =
    p.peek().kind === 'symbol' && p.peek().text === '(' ? p.columns() : [];
  let comment: string | undefined;
  let location: string | undefined;
  let storedAs: string | undefined;
  let partitionKeys: DdlColumn[] = [];
  let properties: Record<string, string> = {};
  const clauses = [
    'COMMENT',
    'PARTITIONED',
    'ROW',
    'STORED',
    'LOCATION',
    'TBLPROPERTIES',
    'WITH'
  ];
  for (;;) {
    if (p.accept('COMMENT')) {
      comment = p.string('the comment');
    } else if (p.accept('PARTITIONED', 'BY')) {
      partitionKeys = p.columns();
    } else if (p.accept('ROW', 'FORMAT')) {
      p.next();
      p.skipUntil(...clauses.filter(c => c !== 'ROW' && c !== 'WITH'));
    } else if (p.accept('WITH', 'SERDEPROPERTIES')) {
      p.properties();
    } else if (p.accept('STORED', 'AS')) {
      storedAs = p.name('storage format').toUpperCase();
      p.skipUntil(...clauses.filter(c => c !== 'ROW' && c !== 'WITH'));
    } else if (p.accept('LOCATION')) {
      location = p.string('the location');
    } else if (p.accept('TBLPROPERTIES')) {
      properties = p.properties();
    } else {
      break;
    }
  }
  p.finish();
  if (location === undefined) {
    throw new DdlError(
      "CREATE EXTERNAL TABLE needs LOCATION 's3://…' (or a file:// path locally)",
      0
    );
  }
  return {
    kind: 'createTable',
    database,
    name,
    ifNotExists,
    columns,
    partitionKeys,
    ...(comment === undefined ? {} : { comment }),
    location,
    ...(storedAs === undefined ? {} : { storedAs }),
    properties
  };
}

/**
 * The statement as DDL, or null when it is not one of the statements above
 * (a query). Throws DdlError for DDL with a mistake in it.
 */
export function parseDdl(sql: string): DdlStatement | null {
  const p = new Parser(sql, tokenize(sql));
  if (p.accept('CREATE', 'DATABASE') || p.accept('CREATE', 'SCHEMA')) {
    return createDatabase(p);
  }
  if (p.accept('CREATE', 'EXTERNAL', 'TABLE')) {
    return createTable(p);
  }
  if (p.isWord('CREATE', 'TABLE')) {
    p.fail(
      'only CREATE EXTERNAL TABLE … LOCATION is supported by the local endpoint (no CTAS)'
    );
  }
  if (p.accept('DROP', 'DATABASE') || p.accept('DROP', 'SCHEMA')) {
    const ifExists = p.accept('IF', 'EXISTS');
    const name = p.name('database name');
    const cascade = p.accept('CASCADE');
    if (!cascade) {
      p.accept('RESTRICT');
    }
    p.finish();
    return { kind: 'dropDatabase', name, ifExists, cascade };
  }
  if (p.accept('DROP', 'TABLE')) {
    const ifExists = p.accept('IF', 'EXISTS');
    const { database, name } = p.qualifiedName();
    p.finish();
    return { kind: 'dropTable', database, name, ifExists };
  }
  if (p.accept('SHOW', 'DATABASES') || p.accept('SHOW', 'SCHEMAS')) {
    const like = p.accept('LIKE') ? p.string('the pattern') : undefined;
    p.finish();
    return { kind: 'showDatabases', ...(like === undefined ? {} : { like }) };
  }
  if (p.accept('SHOW', 'TABLES')) {
    const database =
      p.accept('IN') || p.accept('FROM') ? p.name('database name') : null;
    const like =
      p.peek().kind === 'string'
        ? p.string('the pattern')
        : p.accept('LIKE')
          ? p.string('the pattern')
          : undefined;
    p.finish();
    return {
      kind: 'showTables',
      database,
      ...(like === undefined ? {} : { like })
    };
  }
  return null;
}

/** Hive's SHOW … LIKE pattern: `*` any text, `|` alternatives, case-insensitive. */
export function likePattern(pattern: string): RegExp {
  const alternatives = pattern.split('|').map(part =>
    part
      .trim()
      .replace(/[.+?^${}()[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
  );
  return new RegExp(`^(?:${alternatives.join('|')})$`, 'i');
}
