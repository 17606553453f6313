import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { redactRemotes, runGit } from '../../src/dev/git';
import { describeRemote } from '../../src/gitRemote';

const TOKEN = 's3cretTOKEN';

describe('remotes the dev stack shows', () => {
  it('never show the password or token of an http(s) remote', () => {
    for (const remote of [
      `https://bot:${TOKEN}@git.example/org/ws.git`,
      `https://${TOKEN}@github.com/org/ws.git`,
      `http://bot:${TOKEN}@127.0.0.1:9020/workspace.git`
    ]) {
      const shown = describeRemote(remote);
      expect(shown).not.toContain(TOKEN);
      expect(shown).toMatch(/(git\.example|github\.com|127\.0\.0\.1:9020)\//);
    }
  });

  it('leave remotes without credentials, scp-style remotes and paths alone', () => {
    for (const remote of [
      'http://127.0.0.1:9020/workspace.git',
      'ssh://git@github.com/org/ws.git',
      'git@github.com:org/ws.git',
      '/srv/git/ws.git',
      './ws.git'
    ]) {
      expect(describeRemote(remote)).toBe(remote);
    }
  });

  it('hide the credentials of every URL in a message', () => {
    const text = redactRemotes(
      `fatal: unable to access 'https://bot:${TOKEN}@git.example/ws.git/': ` +
        `and http://${TOKEN}@h.example/x, not ssh://git@h.example/y\n`
    );
    expect(text).not.toContain(TOKEN);
    expect(text).toContain("fatal: unable to access 'https://");
    expect(text).toContain('git.example/ws.git/');
    expect(text).toContain('ssh://git@h.example/y');
    expect(redactRemotes('plain text, no URL')).toBe('plain text, no URL');
  });
});

describe('runGit', () => {
  let dir: string;
  let savedPath: string | undefined;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'arcade-fakegit-'));
    savedPath = process.env.PATH;
  });
  afterEach(() => {
    process.env.PATH = savedPath;
    rmSync(dir, { recursive: true, force: true });
  });

  function fakeGit(script: string): void {
    writeFileSync(path.join(dir, 'git'), `#!/bin/sh\n${script}\n`, {
      mode: 0o755
    });
    process.env.PATH = `${dir}:${savedPath ?? ''}`;
  }

  async function failure(args: string[]): Promise<string> {
    const error: unknown = await runGit(args, dir).then(
      () => null,
      (caught: unknown) => caught
    );
    expect(error).toBeInstanceOf(Error);
    return (error as Error).message;
  }

  it('never shows the password of a remote that git repeats', async () => {
    fakeGit('echo "fatal: could not read from $2" >&2\nexit 128');
    const message = await failure([
      'push',
      `https://bot:${TOKEN}@git.example/ws.git`,
      'main'
    ]);
    expect(message).toMatch(/^git push failed: fatal: could not read from /);
    expect(message).toContain('git.example/ws.git');
    expect(message).not.toContain(TOKEN);
  });

  it('nor when git says nothing and the command line is all there is', async () => {
    fakeGit('exit 1');
    const message = await failure([
      'clone',
      `https://bot:${TOKEN}@git.example/ws.git`,
      'ws'
    ]);
    expect(message).toContain('git clone failed');
    expect(message).not.toContain(TOKEN);
  });
});
