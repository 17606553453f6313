import { Secret } from '../../src/secret';
import {
  cookieValue,
  passesDevToken,
  passesXsrf
} from '../../src/server/security';

describe('cookieValue', () => {
  it('finds one cookie among several', () => {
    expect(cookieValue('a=1; _xsrf=2|abc|def; b=3', '_xsrf')).toBe('2|abc|def');
    expect(cookieValue('a=1', '_xsrf')).toBeNull();
    expect(cookieValue(undefined, '_xsrf')).toBeNull();
  });
});

describe('passesXsrf', () => {
  it('lets safe methods through without a token', () => {
    for (const method of ['GET', 'HEAD', 'OPTIONS']) {
      expect(passesXsrf(method, undefined, undefined)).toBe(true);
    }
  });

  it('needs the header to equal the _xsrf cookie on other methods', () => {
    expect(passesXsrf('POST', undefined, '_xsrf=abc')).toBe(false);
    expect(passesXsrf('POST', 'abc', undefined)).toBe(false);
    expect(passesXsrf('POST', 'abd', '_xsrf=abc')).toBe(false);
    expect(passesXsrf('DELETE', '', '_xsrf=')).toBe(false);
    expect(passesXsrf('PUT', 'abc', 'x=1; _xsrf=abc')).toBe(true);
  });
});

describe('passesDevToken', () => {
  const token = new Secret('s3cret');
  it('accepts only "token <value>"', () => {
    expect(passesDevToken('token s3cret', token)).toBe(true);
    expect(passesDevToken('Token s3cret', token)).toBe(true);
    expect(passesDevToken('token wrong', token)).toBe(false);
    expect(passesDevToken('Bearer s3cret', token)).toBe(false);
    expect(passesDevToken(undefined, token)).toBe(false);
  });
});
