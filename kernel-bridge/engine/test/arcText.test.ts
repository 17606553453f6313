import { javaSplit, javaTrim, MappedText, parseArgs } from '../src/arcText';

function args(line: string): Record<string, string> {
  return Object.fromEntries([...parseArgs(line)].map(([k, v]) => [k, v.value]));
}

describe("Arc's magic-line parsing", () => {
  it('splits key=value options and drops %-tokens', () => {
    expect(args('%sql name=a outputView=b %x=1')).toEqual({
      name: 'a',
      outputView: 'b'
    });
  });

  it('keeps spaces inside double quotes', () => {
    expect(args('%sql name="a b c" x=1')).toEqual({ name: '"a b c"', x: '1' });
  });

  it('does not split before an apostrophe outside quotes', () => {
    // The first token swallows "name=x description=it's" and starts with %.
    expect(args("%sql name=x description=it's outputView=v")).toEqual({
      outputView: 'v'
    });
  });

  it("splits at the first single '=' that is not last", () => {
    expect(args('%sql a==b c= =d e=f=g')).toEqual({
      'a=': 'b',
      '': 'd',
      e: 'f=g'
    });
  });

  it('is linear on long lines', () => {
    const line = `%sql ${'a=b '.repeat(200_000)}`;
    const start = Date.now();
    parseArgs(line);
    expect(Date.now() - start).toBeLessThan(2000);
  });
});

describe('Java and Scala string semantics', () => {
  it('trims chars <= U+0020 only', () => {
    expect(javaTrim('\u0001 a \u00a0')).toBe('a \u00a0');
  });

  it('drops trailing empty strings when splitting', () => {
    expect(javaSplit('dev,', ',')).toEqual(['dev']);
    expect(javaSplit(',', ',')).toEqual([]);
    expect(javaSplit('', ',')).toEqual(['']);
    expect(javaSplit(',dev', ',')).toEqual(['', 'dev']);
  });

  it('strips margins like Scala and maps positions back', () => {
    const text = new MappedText()
      .add('{\n  |a\n')
      .copy('  || b\nc', 7, 100)
      .stripMargin();
    expect(text.text).toBe('{\na\n| b\nc');
    expect(text.origin(text.text.indexOf('| b'))).toEqual({
      cell: 7,
      offset: 103
    });
  });
});
