import { HoconError, LineIndex, parseHocon, toJson } from '../src/hocon';

function json(text: string, vars?: Record<string, string>): unknown {
  return toJson(parseHocon(text), vars === undefined ? {} : { vars });
}

function errorAt(text: string): {
  message: string;
  line: number;
  column: number;
} {
  try {
    parseHocon(text);
  } catch (error) {
    if (error instanceof HoconError) {
      return {
        message: error.message,
        ...new LineIndex(text).locate(error.offset)
      };
    }
    throw error;
  }
  throw new Error('expected a HoconError');
}

describe('HOCON parser', () => {
  it('reads JSON and root objects without braces', () => {
    expect(json('{"a": 1, "b": [true, null, "x"]}')).toEqual({
      a: 1,
      b: [true, null, 'x']
    });
    expect(json('a = 1\nb: two')).toEqual({ a: 1, b: 'two' });
  });

  it('handles path keys, merges duplicate objects and lets later scalars win', () => {
    expect(json('a.b.c = 1\na.b.d = 2\na { e = 3 }')).toEqual({
      a: { b: { c: 1, d: 2 }, e: 3 }
    });
    expect(json('x = 1\nx = 2')).toEqual({ x: 2 });
    expect(json('"a.b" = 1')).toEqual({ 'a.b': 1 });
  });

  it('appends with += and concatenates arrays and objects', () => {
    expect(json('a = [1]\na += 2')).toEqual({ a: [1, 2] });
    expect(json('a = [1] [2]')).toEqual({ a: [1, 2] });
    expect(json('a = {x: 1} {y: 2}')).toEqual({ a: { x: 1, y: 2 } });
  });

  it('keeps whitespace inside value concatenations and reads unquoted text', () => {
    expect(json('a = hello   world  ')).toEqual({ a: 'hello   world' });
    expect(json('a = 10 seconds')).toEqual({ a: '10 seconds' });
    expect(json('a = 1.5\nb = -2\nc = 1e3')).toEqual({
      a: 1.5,
      b: -2,
      c: 1000
    });
  });

  it('reads quoted escapes and triple-quoted strings verbatim', () => {
    expect(json('a = "t\\tq\\"u\\u00e9"')).toEqual({ a: 't\tq"ué' });
    expect(json('a = """x "y" \\d"""')).toEqual({ a: 'x "y" \\d' });
    expect(json('a = """x""""')).toEqual({ a: 'x"' });
  });

  it('skips # and // comments', () => {
    expect(json('# c\na = 1 // d\n// e\nb = 2 # f')).toEqual({ a: 1, b: 2 });
  });

  it('accepts newlines followed by one comma as a separator, and a trailing comma', () => {
    expect(json('a = [1\n, 2,]')).toEqual({ a: [1, 2] });
    expect(json('{a = 1\n, b = 2,}')).toEqual({ a: 1, b: 2 });
  });

  it('keeps substitutions unresolved and resolves supplied values', () => {
    expect(json('a = ${LAKE}')).toEqual({ a: { $subst: 'LAKE' } });
    expect(json('a = ${?LAKE}')).toEqual({
      a: { $subst: 'LAKE', optional: true }
    });
    expect(json('a = "s3a://"${LAKE}"/raw"')).toEqual({
      a: { $concat: ['s3a://', { $subst: 'LAKE' }, '/raw'] }
    });
    expect(json('a = "s3a://"${LAKE}"/raw"', { LAKE: 'bucket' })).toEqual({
      a: 's3a://bucket/raw'
    });
    expect(json('a = ${x.y}', { 'x.y': 'v' })).toEqual({
      a: { $subst: 'x.y' }
    });
    expect(json('a = ${"x.y"}', { 'x.y': 'v' })).toEqual({ a: 'v' });
  });

  it('drops missing optional substitutions and rejects missing required ones when complete', () => {
    const node = parseHocon('a = ${?X}\nb = "p"${?X}"q"\nc = [1, ${?X}]');
    expect(toJson(node, { complete: true })).toEqual({ b: 'pq', c: [1] });
    expect(() => toJson(parseHocon('a = ${X}'), { complete: true })).toThrow(
      /\$\{X\}/
    );
  });

  it('reports errors with line and column', () => {
    expect(errorAt('a = 1\nb = "open')).toMatchObject({ line: 2, column: 5 });
    expect(errorAt('a = 1\nb = ')).toMatchObject({
      message: expect.stringMatching(/expecting a value/) as unknown
    });
    expect(errorAt('a = [1,,2]')).toMatchObject({ line: 1, column: 8 });
    expect(errorAt('a = {x = 1')).toMatchObject({ line: 1, column: 5 });
    expect(errorAt('a = b: c')).toMatchObject({ line: 1, column: 6 });
    expect(errorAt('[1]').message).toMatch(/must be an object/);
    expect(errorAt('a = [{b += 1}]').message).toMatch(
      /\+= does not work inside a list/
    );
    expect(errorAt('include "x.conf"').message).toMatch(/include/);
    expect(errorAt('a = "tab\there"').message).toMatch(/control character/);
  });

  it('rejects deep nesting and oversized input cleanly', () => {
    const deep = `a = ${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    expect(errorAt(deep).message).toMatch(/nested deeper than 100/);
    expect(() => parseHocon('a = 1', { maxLength: 3 })).toThrow(HoconError);
  });
});

describe('HOCON source spans', () => {
  /** The text of every top-level member: key, and value. */
  function spans(text: string): [string, string, string | null][] {
    return parseHocon(text).members.map(m => [
      text.slice(m.keyOffset, m.keyEnd),
      text.slice(m.value.offset, m.value.end),
      m.separator
    ]);
  }

  it('ends each value where its text ends, without the spaces, comma or comment after it', () => {
    expect(
      spans(
        [
          'a = 1 , # one',
          'b: "two"  // two',
          'c = unquoted words here  ',
          'd = ${X}"/path" ${?Y}',
          'e = [1, [2]] [3]',
          'f { x = {y: 1} }',
          'g = """a "quoted" text"""" ',
          '"h.i" = true',
          'j.k = null',
          'l = {p: 1} {q: 2}'
        ].join('\n')
      )
    ).toEqual([
      ['a', '1', '='],
      ['b', '"two"', ':'],
      ['c', 'unquoted words here', '='],
      ['d', '${X}"/path" ${?Y}', '='],
      ['e', '[1, [2]] [3]', '='],
      ['f', '{ x = {y: 1} }', null],
      ['g', '"""a "quoted" text""""', '='],
      ['"h.i"', 'true', '='],
      ['j.k', 'null', '='],
      ['l', '{p: 1} {q: 2}', '=']
    ]);
  });

  it('keeps duplicate and path members in source order while fields keep the winner', () => {
    const text = '{\n  a = 1\n  b.c = 2\n  a = 3\n}';
    const root = parseHocon(text);
    expect(root.members.map(m => m.path)).toEqual([['a'], ['b', 'c'], ['a']]);
    const a = root.fields.get('a');
    expect(a && text.slice(a.keyOffset, a.keyEnd)).toBe('a');
    expect(a && text.slice(a.value.offset, a.value.end)).toBe('3');
    expect([root.offset, root.end]).toEqual([0, text.length]);
  });

  it('gives nested nodes their spans too', () => {
    const text = 'a = [ "x", 12, {b: "y"} ]';
    const array = parseHocon(text).fields.get('a')?.value;
    expect(array?.kind).toBe('array');
    if (array?.kind === 'array') {
      expect(array.items.map(i => text.slice(i.offset, i.end))).toEqual([
        '"x"',
        '12',
        '{b: "y"}'
      ]);
    }
  });
});
