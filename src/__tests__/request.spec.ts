import { ServerConnection } from '@jupyterlab/services';
import { ArcadeRequestError, requestArcade } from '../request';
import { ArcadeBridge } from '../bridge/client';
import { fetchHealth } from '../status/health';
import { makeHealth } from './fixtures';

interface IAnswer {
  status: number;
  body: string;
  statusText?: string;
}

/**
 * Server settings whose fetch records the URL and answers with `answer`.
 */
function settingsAnswering(answer: IAnswer | Error) {
  const urls: string[] = [];
  const fetchImpl = (input: RequestInfo | URL): Promise<Response> => {
    urls.push(input instanceof Request ? input.url : String(input));
    if (answer instanceof Error) {
      return Promise.reject(answer);
    }
    return Promise.resolve(
      new Response(answer.body, {
        status: answer.status,
        statusText: answer.statusText ?? '',
        headers: { 'Content-Type': 'application/json' }
      })
    );
  };
  const settings = ServerConnection.makeSettings({
    baseUrl: 'http://localhost:8888/user/jo/',
    fetch: fetchImpl
  });
  return { settings, urls };
}

async function failure(promise: Promise<unknown>): Promise<ArcadeRequestError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ArcadeRequestError) {
      return error;
    }
    throw error;
  }
  throw new Error('expected the request to fail');
}

describe('requestArcade', () => {
  it('calls the bridge under <baseUrl>arcade/ and returns its JSON', async () => {
    const { settings, urls } = settingsAnswering({
      status: 200,
      body: JSON.stringify(makeHealth())
    });
    await expect(fetchHealth(new ArcadeBridge(settings))).resolves.toEqual(
      makeHealth()
    );
    expect(urls.map(url => url.split('?')[0])).toEqual([
      'http://localhost:8888/user/jo/arcade/api/health'
    ]);
  });

  it('turns a proxy error page into an HTTP error without a bridge code', async () => {
    const { settings } = settingsAnswering({
      status: 503,
      statusText: 'Service Unavailable',
      body: '<html>could not start arcade in time</html>'
    });
    const error = await failure(requestArcade('api/health', settings));
    expect(error.kind).toBe('http');
    expect(error.status).toBe(503);
    expect(error.code).toBeNull();
    expect(error.message).toBe('Service Unavailable');
  });

  it('keeps the code and message of a bridge error body', async () => {
    const { settings } = settingsAnswering({
      status: 403,
      body: JSON.stringify({
        error: { code: 'xsrf', message: 'X-XSRFToken header missing' }
      })
    });
    const error = await failure(
      requestArcade('api/publish', settings, { method: 'POST' })
    );
    expect(error.kind).toBe('http');
    expect(error.status).toBe(403);
    expect(error.code).toBe('xsrf');
    expect(error.message).toBe('X-XSRFToken header missing');
  });

  it('reports a network failure as such', async () => {
    const { settings } = settingsAnswering(new TypeError('Failed to fetch'));
    const error = await failure(requestArcade('api/health', settings));
    expect(error.kind).toBe('network');
    expect(error.status).toBeNull();
  });

  it('rejects a success answer that is not JSON', async () => {
    const { settings } = settingsAnswering({
      status: 200,
      body: '<html>login</html>'
    });
    const error = await failure(requestArcade('api/health', settings));
    expect(error.kind).toBe('invalid-response');
  });

  it('rejects health JSON of the wrong shape', async () => {
    const { settings } = settingsAnswering({
      status: 200,
      body: JSON.stringify({ status: 'ok' })
    });
    const error = await failure(fetchHealth(new ArcadeBridge(settings)));
    expect(error.kind).toBe('invalid-response');
  });
});

describe('ArcadeBridge.config', () => {
  const CONFIG = {
    workspace: '/home/jo/work',
    s3: {
      endpoint: null,
      region: 'eu-west-1',
      artifactBucket: 'a',
      lakeBucket: 'l'
    },
    git: { remote: null },
    environments: ['dev', 'prod']
  };

  /** Settings whose fetch gives the answers in turn and counts the calls. */
  function answering(...answers: IAnswer[]) {
    let calls = 0;
    const settings = ServerConnection.makeSettings({
      baseUrl: 'http://localhost:8888/',
      fetch: () => {
        const answer = answers[Math.min(calls, answers.length - 1)];
        calls++;
        return Promise.resolve(
          new Response(answer?.body ?? '', { status: answer?.status ?? 500 })
        );
      }
    });
    return { settings, calls: () => calls };
  }

  it('reads the configuration once and shares it', async () => {
    const { settings, calls } = answering({
      status: 200,
      body: JSON.stringify(CONFIG)
    });
    const bridge = new ArcadeBridge(settings);
    const [first, second] = await Promise.all([
      bridge.config(),
      bridge.config()
    ]);
    expect(first?.environments).toEqual(['dev', 'prod']);
    expect(second).toBe(first);
    await bridge.config();
    expect(calls()).toBe(1);
  });

  it('answers null after one warning per run of failures and reads again on the next call', async () => {
    const warning = jest.fn<undefined, [string]>();
    const { settings, calls } = answering(
      { status: 503, body: '' },
      { status: 200, body: JSON.stringify({ environments: 'dev' }) },
      { status: 200, body: JSON.stringify(CONFIG) },
      { status: 502, body: '' }
    );
    const bridge = new ArcadeBridge(settings, { warn: warning });
    await expect(bridge.config()).resolves.toBeNull();
    expect(warning).toHaveBeenCalledTimes(1);
    expect(warning.mock.calls[0]?.[0]).toContain('HTTP 503');
    await expect(bridge.config()).resolves.toBeNull();
    expect(warning).toHaveBeenCalledTimes(1);
    await expect(bridge.config()).resolves.toEqual(CONFIG);
    expect(calls()).toBe(3);
    // Kept once read: the later failure is never asked for.
    await expect(bridge.config()).resolves.toEqual(CONFIG);
    expect(calls()).toBe(3);
  });
});
