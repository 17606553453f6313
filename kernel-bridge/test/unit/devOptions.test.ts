import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runCli } from '../../src/cli';
import { readGitCredentials } from '../../src/dev/credentials';
import { devOptions } from '../../src/dev/options';
import { devEnvironment, shellQuote } from '../../src/dev/environment';
import { Secret } from '../../src/secret';
import { ArcadeError } from 'arcade-engine';
import { MemoryOutput } from './helpers';

describe('devOptions', () => {
  it('defaults to .arcade, S3 on 9010, git on 9020 and Argo on 9030', () => {
    expect(devOptions({}, {})).toEqual({
      stateDir: '.arcade',
      s3Port: 9010,
      gitPort: 9020,
      argoPort: 9030,
      athenaPort: 9040
    });
  });

  it('takes flags over environment variables', () => {
    const env = {
      ARCADE_STATE_DIR: '/env/state',
      ARCADE_S3_PORT: '9100',
      ARCADE_GIT_PORT: '9200',
      ARCADE_ARGO_PORT: '9250',
      ARCADE_ATHENA_PORT: '9260'
    };
    expect(devOptions({}, env)).toEqual({
      stateDir: '/env/state',
      s3Port: 9100,
      gitPort: 9200,
      argoPort: 9250,
      athenaPort: 9260
    });
    expect(
      devOptions(
        {
          state: 'flag',
          s3Port: '9300',
          gitPort: '9400',
          argoPort: '9500',
          athenaPort: '9600'
        },
        env
      )
    ).toEqual({
      stateDir: 'flag',
      s3Port: 9300,
      gitPort: 9400,
      argoPort: 9500,
      athenaPort: 9600
    });
  });

  it('rejects bad ports as usage errors naming the flag', () => {
    for (const [flags, env, name] of [
      [{ s3Port: 'abc' }, {}, '--s3-port'],
      [{ gitPort: '70000' }, {}, '--git-port'],
      [{ argoPort: '0' }, {}, '--argo-port'],
      [{}, { ARCADE_S3_PORT: '-1' }, 'ARCADE_S3_PORT']
    ] as const) {
      let caught: unknown;
      try {
        devOptions(flags, env);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(ArcadeError);
      expect((caught as ArcadeError).exitCode).toBe(2);
      expect((caught as ArcadeError).message).toContain(name);
    }
  });

  it('rejects the same port for two services', () => {
    expect(() => devOptions({ s3Port: '9000', gitPort: '9000' }, {})).toThrow(
      /ports must differ \(9000, 9000, 9030, 9040\)/
    );
    expect(() => devOptions({ athenaPort: '9010' }, {})).toThrow(
      /ports must differ/
    );
    expect(() => devOptions({ argoPort: '9020' }, {})).toThrow(
      /ports must differ/
    );
  });
});

describe('dev env', () => {
  it('lists the variables that point tools at the stack', () => {
    const credentials = { user: 'arcade1f2e', password: new Secret('pw_-9') };
    const ports = { s3: 9010, git: 9020, argo: 9030, athena: 9040 };
    expect(devEnvironment('/s', ports, credentials)).toEqual([
      ['ARCADE_STATE_DIR', '/s'],
      ['ARCADE_S3_ENDPOINT', 'http://127.0.0.1:9010'],
      ['ARCADE_S3_REGION', 'us-east-1'],
      ['ARCADE_ARTIFACT_BUCKET', 'arcade-artifacts'],
      ['ARCADE_LAKE_BUCKET', 'arcade-lake'],
      ['AWS_SHARED_CREDENTIALS_FILE', '/s/aws-credentials'],
      ['AWS_PROFILE', 'arcade-local'],
      [
        'ARCADE_GIT_REMOTE',
        'http://arcade1f2e:pw_-9@127.0.0.1:9020/workspace.git'
      ],
      ['ARCADE_ARGO_URL', 'http://127.0.0.1:9030'],
      ['ARCADE_ARGO_NAMESPACE', 'arcade'],
      ['ARCADE_ARGO_TOKEN_FILE', '/s/argo-token'],
      ['ARCADE_ATHENA_ENDPOINT', 'http://127.0.0.1:9040'],
      ['ARCADE_ATHENA_OUTPUT', 's3://arcade-lake/athena-results/'],
      ['ARCADE_CATALOG_CRAWL', 'lake=file:///s/lake/delta']
    ]);
    // A bridge installed from the wheel finds Argo's tools through it.
    expect(
      devEnvironment('/s', ports, credentials, '/repo/.cache/argo').pop()
    ).toEqual(['ARCADE_ARGO_DIR', '/repo/.cache/argo']);
  });

  it('prints a git remote that carries the state directory credentials', async () => {
    const tmp = mkdtempSync(path.join(tmpdir(), 'arcade-devenv-'));
    try {
      const state = path.join(tmp, 'state');
      const output = new MemoryOutput();
      const ctx = {
        env: { ARCADE_GIT_PORT: '9123' },
        cwd: tmp,
        output,
        selfCommand: ['node', 'arcade'],
        repoRoot: null
      };
      expect(await runCli(['dev', 'env', '--state', state], ctx)).toBeNull();
      const file = path.join(state, 'git-credentials');
      expect(statSync(file).mode & 0o777).toBe(0o600);
      const credentials = await readGitCredentials(file);
      expect(credentials).not.toBeNull();
      expect(output.stdout).toContain(
        `export ARCADE_GIT_REMOTE=http://${credentials?.user ?? ''}:` +
          `${credentials?.password.reveal() ?? ''}@127.0.0.1:9123/workspace.git\n`
      );
      // The same credentials the next time.
      const again = new MemoryOutput();
      await runCli(['dev', 'env', '--state', state], {
        ...ctx,
        output: again
      });
      expect(again.stdout).toBe(output.stdout);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('refuses to serve git without the credentials of dev up', async () => {
    const tmp = mkdtempSync(path.join(tmpdir(), 'arcade-gitserve-'));
    try {
      mkdirSync(path.join(tmp, 'git'));
      const output = new MemoryOutput();
      const code = await runCli(
        ['dev', 'git-serve', '--root', path.join(tmp, 'git'), '--port', '1'],
        {
          env: {},
          cwd: tmp,
          output,
          selfCommand: ['node', 'arcade'],
          repoRoot: null
        }
      );
      expect(code).toBe(2);
      expect(output.stderr).toContain(
        `no git credentials in ${path.join(tmp, 'git-credentials')}`
      );
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('quotes values for the shell only when needed', () => {
    expect(shellQuote('/plain/path-1.2')).toBe('/plain/path-1.2');
    expect(shellQuote("/with space/it's")).toBe("'/with space/it'\\''s'");
  });
});
