import { inspect } from 'node:util';
import { kernelspecDirs, loadSettings } from '../../src/config';
import { ArcadeError } from 'arcade-engine';
import { publicConfig } from '../../src/status';

describe('loadSettings', () => {
  it('uses the documented defaults', () => {
    const settings = loadSettings({}, '/work/ws', '/home/u');
    expect(publicConfig(settings)).toEqual({
      workspace: '/work/ws',
      s3: {
        endpoint: null,
        region: 'us-east-1',
        artifactBucket: 'arcade-artifacts',
        lakeBucket: 'arcade-lake'
      },
      git: { remote: null },
      environments: ['dev', 'test', 'prod']
    });
    expect(settings.devToken).toBeNull();
    expect(settings.awsCredentialSource).toBe('none');
  });

  it('reads every ARCADE_* variable', () => {
    const settings = loadSettings(
      {
        ARCADE_WORKSPACE: 'proj',
        ARCADE_S3_ENDPOINT: 'http://127.0.0.1:9010/',
        ARCADE_S3_REGION: 'eu-west-1',
        ARCADE_ARTIFACT_BUCKET: 'art',
        ARCADE_LAKE_BUCKET: 'lake',
        ARCADE_GIT_REMOTE: 'http://127.0.0.1:9020/workspace.git',
        ARCADE_ENVIRONMENTS: ' dev, staging ,,prod '
      },
      '/work',
      '/home/u'
    );
    expect(publicConfig(settings)).toEqual({
      workspace: '/work/proj',
      s3: {
        endpoint: 'http://127.0.0.1:9010',
        region: 'eu-west-1',
        artifactBucket: 'art',
        lakeBucket: 'lake'
      },
      git: { remote: 'http://127.0.0.1:9020/workspace.git' },
      environments: ['dev', 'staging', 'prod']
    });
  });

  it('rejects an endpoint that is not a URL with a config error', () => {
    expect(() => loadSettings({ ARCADE_S3_ENDPOINT: 'not a url' })).toThrow(
      ArcadeError
    );
    try {
      loadSettings({ ARCADE_S3_ENDPOINT: 'not a url' });
    } catch (error) {
      expect((error as ArcadeError).code).toBe('config');
      expect((error as ArcadeError).exitCode).toBe(2);
    }
  });

  it('never lets a token in the git remote or the dev token be serialized', () => {
    const settings = loadSettings({
      ARCADE_GIT_REMOTE: 'https://bot:ghp_supersecret@example.com/org/repo.git',
      ARCADE_DEV_TOKEN: 'dev-token-value'
    });
    expect(settings.git.displayRemote).toBe('https://example.com/org/repo.git');
    expect(settings.git.remote?.reveal()).toContain('ghp_supersecret');
    for (const text of [
      JSON.stringify(settings),
      inspect(settings, { depth: 10 }),
      JSON.stringify(publicConfig(settings))
    ]) {
      expect(text).not.toContain('ghp_supersecret');
      expect(text).not.toContain('dev-token-value');
    }
  });

  it('accepts scp-style and path remotes and never repeats a refused one', () => {
    expect(
      loadSettings({ ARCADE_GIT_REMOTE: 'git@github.com:org/repo.git' }).git
        .displayRemote
    ).toBe('git@github.com:org/repo.git');
    expect(
      loadSettings({ ARCADE_GIT_REMOTE: '/srv/git/repo.git' }).git.displayRemote
    ).toBe('/srv/git/repo.git');
    // A token in a value git cannot read must not come back in the error.
    let message = '';
    try {
      loadSettings({
        ARCADE_GIT_REMOTE: 'https://bot:ghp_supersecret@example.com/r\u0000.git'
      });
    } catch (error) {
      message = `${(error as ArcadeError).message} ${(error as ArcadeError).hint ?? ''}`;
    }
    expect(message).toContain('ARCADE_GIT_REMOTE is not a git remote');
    expect(message).not.toContain('ghp_supersecret');
  });

  it('tells where AWS credentials would come from without holding them', () => {
    expect(
      loadSettings({ AWS_ACCESS_KEY_ID: 'AKIA' }).awsCredentialSource
    ).toBe('environment');
    expect(
      loadSettings({ AWS_WEB_IDENTITY_TOKEN_FILE: '/var/run/token' })
        .awsCredentialSource
    ).toBe('web-identity');
    expect(loadSettings({ AWS_PROFILE: 'p' }).awsCredentialSource).toBe(
      'profile'
    );
  });
});

describe('kernelspecDirs', () => {
  it('lets ARCADE_KERNELSPEC_DIRS override the search path', () => {
    expect(
      kernelspecDirs({ ARCADE_KERNELSPEC_DIRS: '/a:/b' }, '/home/u')
    ).toEqual(['/a', '/b']);
  });

  it('searches JUPYTER_PATH, the user dir, the venv, then the system', () => {
    expect(
      kernelspecDirs(
        { JUPYTER_PATH: '/jp1:/jp2', VIRTUAL_ENV: '/venv' },
        '/home/u'
      )
    ).toEqual([
      '/jp1/kernels',
      '/jp2/kernels',
      '/home/u/.local/share/jupyter/kernels',
      '/venv/share/jupyter/kernels',
      '/usr/local/share/jupyter/kernels',
      '/usr/share/jupyter/kernels'
    ]);
  });
});
