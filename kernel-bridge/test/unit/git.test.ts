import { ArcadeError } from 'arcade-engine';
import { GitCredentials, parseSecretString } from '../../src/git/auth';
import { userFromConfigText } from '../../src/git/author';
import { gitError } from '../../src/git/errors';
import { repoPath } from '../../src/git/paths';

describe('git credentials', () => {
  it('reads a Secrets Manager secret as the token or as JSON', () => {
    expect(parseSecretString(' tok-123 \n')).toEqual({
      username: 'x-access-token',
      password: 'tok-123'
    });
    expect(parseSecretString('{"username":"bot","token":"t-1"}')).toEqual({
      username: 'bot',
      password: 't-1'
    });
    expect(() => parseSecretString('{"user":"x"}')).toThrow(
      /without a "token"/
    );
    expect(() => parseSecretString('  ')).toThrow(/empty/);
  });

  it('sends the token only to the configured remote origin', async () => {
    const credentials = new GitCredentials({
      ARCADE_GIT_REMOTE: 'https://git.example.com/team/etl.git',
      ARCADE_GIT_TOKEN: 'secret-token-1'
    });
    expect(credentials.source.kind).toBe('token');
    expect(
      await credentials.authFor('https://git.example.com/other.git')
    ).toEqual({
      username: 'x-access-token',
      password: 'secret-token-1'
    });
    expect(
      await credentials.authFor('https://evil.example.net/x.git')
    ).toBeUndefined();
    expect(JSON.stringify(credentials)).not.toContain('secret-token-1');
  });

  it('without a configured remote, sends the token over HTTPS only', async () => {
    const credentials = new GitCredentials({
      ARCADE_GIT_TOKEN: 'secret-token-2',
      ARCADE_GIT_USER: 'me'
    });
    expect(await credentials.authFor('https://any.example.com/r.git')).toEqual({
      username: 'me',
      password: 'secret-token-2'
    });
    expect(
      await credentials.authFor('http://any.example.com/r.git')
    ).toBeUndefined();
  });

  it('reads the Secrets Manager secret once, on first use', async () => {
    const reads: string[] = [];
    const credentials = new GitCredentials(
      {
        ARCADE_GIT_TOKEN_SECRET_ID: 'arcade/git',
        ARCADE_GIT_REMOTE: 'https://g.example.com/r.git'
      },
      id => {
        reads.push(id);
        return Promise.resolve('{"token":"from-sm-123"}');
      }
    );
    expect(reads).toEqual([]);
    expect(
      (await credentials.authFor('https://g.example.com/r.git'))?.password
    ).toBe('from-sm-123');
    await credentials.authFor('https://g.example.com/r.git');
    expect(reads).toEqual(['arcade/git']);
  });

  it('takes user and password from the remote URL, or the token as its user name', async () => {
    const both = new GitCredentials({
      ARCADE_GIT_REMOTE: 'http://u:p%40ss@127.0.0.1:9020/w.git'
    });
    expect(await both.authFor('http://127.0.0.1:9020/w.git')).toEqual({
      username: 'u',
      password: 'p@ss'
    });
    const tokenOnly = new GitCredentials({
      ARCADE_GIT_REMOTE: 'https://ghp_abc123@github.com/o/r.git'
    });
    expect(await tokenOnly.authFor('https://github.com/o/r.git')).toEqual({
      username: 'x-access-token',
      password: 'ghp_abc123'
    });
  });
});

describe('repository paths', () => {
  it.each(['a.sql', 'notebooks/x.ipynb', 'a b/c.json'])('accepts %s', value => {
    expect(repoPath(value)).toBe(value);
  });
  it.each([
    '',
    '/etc/passwd',
    '../x',
    'a/../../b',
    'a//b',
    './a',
    '.git/config',
    'a\u0000b',
    'a\nb'
  ])('refuses %j', value => {
    expect(() => repoPath(value)).toThrow(ArcadeError);
  });
});

describe('commit author from a git config file', () => {
  it('reads [user] name and email, ignoring other sections', () => {
    expect(
      userFromConfigText(
        '[core]\n\tname = no\n[user]\n\tname = "Ada L"\n\temail = ada@example.com\n[alias]\n'
      )
    ).toEqual({ name: 'Ada L', email: 'ada@example.com' });
    expect(userFromConfigText('[core]\nbare = false\n')).toEqual({});
  });
});

describe('git errors', () => {
  const remote = 'https://git.example.com/r.git';
  it('gives each failure its own message and next step', () => {
    const cases: [unknown, string, RegExp][] = [
      [
        { code: 'PushRejectedError', data: { reason: 'not-fast-forward' } },
        'conflict',
        /pull first/
      ],
      [
        { code: 'HttpError', data: { statusCode: 401 } },
        'unauthorized',
        /expired/
      ],
      [
        { code: 'HttpError', data: { statusCode: 503 } },
        'upstream',
        /try again/
      ],
      [
        {
          code: 'ECONNREFUSED',
          message: 'connect ECONNREFUSED https://u:tok@x'
        },
        'upstream',
        /network/
      ],
      [
        { code: 'CheckoutConflictError', data: { filepaths: ['a', 'b'] } },
        'conflict',
        /commit or discard/
      ],
      [new Error('https://user:tok-999@host failed'), 'internal', /bridge log/]
    ];
    for (const [error, code, hint] of cases) {
      const mapped = gitError(error, { action: 'push', remote });
      expect(mapped.code).toBe(code);
      expect(mapped.hint).toMatch(hint);
      expect(mapped.toCliLine()).not.toContain('tok-999');
    }
  });
});
