import { nullTranslator } from '@jupyterlab/translation';
import { ArcadeRequestError } from '../request';
import {
  describeError,
  describeFailure,
  presentStatus
} from '../status/format';
import { makeHealth } from './fixtures';

const trans = nullTranslator.load('jupyterlab_arcade');
const checkedAt = new Date(0);

function httpError(status: number, code?: 'xsrf' | 'not_found' | 'internal') {
  return new ArcadeRequestError({
    kind: 'http',
    status,
    code,
    message: 'boom'
  });
}

describe('presentStatus', () => {
  it('shows "checking" before the first answer', () => {
    const shown = presentStatus({ state: 'checking' }, trans);
    expect(shown.state).toBe('checking');
    expect(shown.label).toBe('Arcade: checking…');
  });

  it('shows "connected" with version, kernel and backends in the tooltip', () => {
    const shown = presentStatus(
      { state: 'connected', health: makeHealth(), checkedAt },
      trans
    );
    expect(shown.state).toBe('connected');
    expect(shown.label).toBe('Arcade: connected');
    expect(shown.tooltip.split('\n')).toEqual([
      'Arcade bridge 0.1.0 connected',
      'Arc kernel: installed (Arc)',
      'S3: http://127.0.0.1:9010',
      'Git remote: not configured',
      'Click to check again.'
    ]);
  });

  it('says when the Arc kernel is missing', () => {
    const health = makeHealth({
      arcKernel: { installed: false, name: 'arc', displayName: null }
    });
    const shown = presentStatus(
      { state: 'connected', health, checkedAt },
      trans
    );
    expect(shown.tooltip).toContain('Arc kernel: not installed');
  });

  it('names the reason and the next retry when the bridge fails', () => {
    const shown = presentStatus(
      {
        state: 'error',
        error: new ArcadeRequestError({
          kind: 'http',
          status: 503,
          message: 'Service Unavailable'
        }),
        checkedAt,
        retryIn: 44_600
      },
      trans
    );
    expect(shown.state).toBe('error');
    expect(shown.label).toBe('Arcade: bridge not reachable (HTTP 503)');
    expect(shown.tooltip.split('\n')).toEqual([
      'Arcade bridge: bridge not reachable (HTTP 503)',
      'Service Unavailable',
      'Next check in 45 s. Click to check now.'
    ]);
  });
});

describe('describeError', () => {
  it.each([
    ['bridge not reachable (HTTP 502)', httpError(502)],
    ['bridge not reachable (HTTP 599)', httpError(599)],
    ['bridge not installed (HTTP 404)', httpError(404)],
    ['bridge error (HTTP 404)', httpError(404, 'not_found')],
    ['bridge error (HTTP 500)', httpError(500, 'internal')],
    ['not authorized (HTTP 403)', httpError(403, 'xsrf')],
    ['not authorized (HTTP 401)', httpError(401)],
    [
      'Jupyter server not reachable',
      new ArcadeRequestError({ kind: 'network', message: 'Failed to fetch' })
    ],
    [
      'unexpected response from the bridge',
      new ArcadeRequestError({ kind: 'invalid-response', message: 'HTML' })
    ]
  ])('reports "%s"', (reason, error) => {
    expect(describeError(error, trans)).toBe(reason);
  });
});

describe('describeFailure', () => {
  it("keeps the bridge's message and hint, and falls back to the short reason", () => {
    expect(
      describeFailure(
        new ArcadeRequestError({
          kind: 'http',
          status: 500,
          code: 'missing_dependency',
          message:
            'Argo\'s tools are not configured (set ARCADE_ARGO_DIR to the folder "make argo-tools" fills)'
        }),
        trans
      )
    ).toBe(
      'Argo\'s tools are not configured (set ARCADE_ARGO_DIR to the folder "make argo-tools" fills) (HTTP 500)'
    );
    expect(describeFailure(httpError(502), trans)).toBe(
      'bridge not reachable (HTTP 502)'
    );
  });
});
