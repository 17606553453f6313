import { ArcadeError, toArcadeError } from '../src/errors';

describe('ArcadeError', () => {
  it.each([
    ['usage', 400, 2],
    ['unauthorized', 401, 1],
    ['xsrf', 403, 1],
    ['not_found', 404, 1],
    ['payload_too_large', 413, 1],
    ['port_in_use', 500, 1],
    ['internal', 500, 1]
  ] as const)('%s maps to HTTP %i and exit code %i', (code, status, exit) => {
    const error = new ArcadeError(code, 'something failed');
    expect(error.httpStatus).toBe(status);
    expect(error.exitCode).toBe(exit);
  });

  it('prints one CLI line: what failed — what to do', () => {
    const error = new ArcadeError(
      'missing_dependency',
      'git is not installed',
      {
        hint: 'install git'
      }
    );
    expect(error.toCliLine()).toBe(
      'arcade: git is not installed — install git'
    );
    expect(new ArcadeError('timeout', 'too slow').toCliLine()).toBe(
      'arcade: too slow'
    );
  });

  it('answers HTTP with the error JSON shape', () => {
    expect(new ArcadeError('xsrf', 'bad token').toResponse()).toEqual({
      error: { code: 'xsrf', message: 'bad token' }
    });
  });

  it('wraps foreign errors as internal', () => {
    const wrapped = toArcadeError(new TypeError('boom'));
    expect(wrapped.code).toBe('internal');
    expect(wrapped.message).toBe('boom');
    const same = new ArcadeError('usage', 'x');
    expect(toArcadeError(same)).toBe(same);
  });
});
