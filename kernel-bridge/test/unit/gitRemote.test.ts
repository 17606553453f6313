import { describeRemote, parseRemote } from '../../src/gitRemote';

describe('git remotes', () => {
  it.each([
    [
      'https://bot:ghp_secret@example.com/org/repo.git',
      'url',
      'https://example.com/org/repo.git'
    ],
    [
      'https://ghp_secret@example.com/r.git',
      'url',
      'https://example.com/r.git'
    ],
    ['http://127.0.0.1:9020/w.git', 'url', 'http://127.0.0.1:9020/w.git'],
    [
      'ssh://git:pw_secret@host:2222/org/r.git',
      'url',
      'ssh://git:***@host:2222/org/r.git'
    ],
    ['ssh://git@host/org/r.git', 'url', 'ssh://git@host/org/r.git'],
    ['git@github.com:org/repo.git', 'scp', 'git@github.com:org/repo.git'],
    ['me:pw_secret@host:repo.git', 'scp', 'me:***@host:repo.git'],
    ['host:repo.git', 'scp', 'host:repo.git'],
    ['/srv/git/repo.git', 'path', '/srv/git/repo.git'],
    ['../repo', 'path', '../repo']
  ])('%s is a %s remote shown as %s', (remote, kind, display) => {
    expect(parseRemote(remote)).toEqual({ kind, display });
    expect(describeRemote(remote)).not.toContain('secret');
  });

  it('refuses text git cannot read without repeating it', () => {
    expect(parseRemote('')).toBeNull();
    expect(parseRemote('bot:tok_secret@exa mple.com:repo')).toBeNull();
    expect(parseRemote('https://tok_secret@host/r\n.git')).toBeNull();
    expect(describeRemote('https://tok_secret@host/r\n.git')).toBe(
      '(an unreadable git remote)'
    );
  });
});
