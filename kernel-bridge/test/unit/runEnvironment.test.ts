import { runEnvironment } from '../../src/runs/environment';
import { Scrubber, secretValues } from '../../src/secret';

describe('runEnvironment', () => {
  const bridge = {
    PATH: '/usr/bin',
    HOME: '/home/u',
    LC_ALL: 'C.UTF-8',
    JAVA_HOME: '/opt/java',
    ETL_CONF_LAKE: 's3a://lake',
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'AKIAEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG',
    ARCADE_DEV_TOKEN: 'devTOKENvalue',
    JUPYTERHUB_API_TOKEN: 'hubTOKENvalue',
    ARCADE_GIT_REMOTE: 'https://bot:ghpTOKEN@git.example/ws.git',
    GITHUB_TOKEN: 'ghTOKEN',
    SOME_OTHER: 'x'
  };

  it('passes what Java and Arc need, and nothing else of the bridge', () => {
    expect(runEnvironment(bridge, null)).toEqual({
      PATH: '/usr/bin',
      HOME: '/home/u',
      LC_ALL: 'C.UTF-8',
      JAVA_HOME: '/opt/java',
      ETL_CONF_LAKE: 's3a://lake',
      AWS_REGION: 'eu-west-1'
    });
  });

  it('adds the credentials the run is given', () => {
    expect(
      runEnvironment(bridge, { AWS_ACCESS_KEY_ID: 'AKIAPROFILE' })
    ).toMatchObject({ AWS_ACCESS_KEY_ID: 'AKIAPROFILE' });
  });
});

describe('Scrubber', () => {
  const scrubber = new Scrubber(
    secretValues({
      AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7"MDENG',
      ARCADE_DEV_TOKEN: 'devTOKENvalue',
      JUPYTERHUB_API_TOKEN: 'hubTOKENvalue',
      ARCADE_GIT_REMOTE: 'https://bot:ghp%2FTOKEN@git.example/ws.git',
      AWS_SESSION_TOKEN: 'abc'
    })
  );

  it('redacts every known secret, also as written inside JSON', () => {
    expect(
      scrubber.scrub(
        'a wJalrXUtnFEMI/K7"MDENG b devTOKENvalue hubTOKENvalue ghp/TOKEN ghp%2FTOKEN'
      )
    ).toBe('a [redacted] b [redacted] [redacted] [redacted] [redacted]');
    expect(
      scrubber.scrub(JSON.stringify({ name: 'wJalrXUtnFEMI/K7"MDENG' }))
    ).toBe('{"name":"[redacted]"}');
    expect(scrubber.scrub('{"name":"wJalrXUtnFEMI\\/K7\\"MDENG"}')).toBe(
      '{"name":"[redacted]"}'
    );
  });

  it('leaves values too short to be credentials alone', () => {
    expect(scrubber.scrub('abc bot')).toBe('abc bot');
  });
});
