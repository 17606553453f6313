import type { HealthResponse } from 'arcade-engine';
import type { TranslationBundle } from '@jupyterlab/translation';
import type { ArcadeRequestError } from '../request';
import type { ArcadeStatus } from '../tokens';

/**
 * What the status bar shows for one status.
 */
export interface IStatusPresentation {
  state: ArcadeStatus['state'];
  label: string;
  tooltip: string;
}

export function presentStatus(
  status: ArcadeStatus,
  trans: TranslationBundle
): IStatusPresentation {
  switch (status.state) {
    case 'checking':
      return {
        state: status.state,
        label: trans.__('Arcade: checking…'),
        tooltip: trans.__('Checking the connection to the Arcade bridge…')
      };
    case 'connected':
      return {
        state: status.state,
        label: trans.__('Arcade: connected'),
        tooltip: describeHealth(status.health, trans).join('\n')
      };
    case 'error': {
      const reason = describeError(status.error, trans);
      const lines = [trans.__('Arcade bridge: %1', reason)];
      if (status.error.message && status.error.message !== reason) {
        lines.push(status.error.message);
      }
      lines.push(
        trans.__(
          'Next check in %1 s. Click to check now.',
          Math.max(1, Math.round(status.retryIn / 1000))
        )
      );
      return {
        state: status.state,
        label: trans.__('Arcade: %1', reason),
        tooltip: lines.join('\n')
      };
    }
  }
}

/**
 * A short reason a user can act on, e.g. "bridge not reachable (HTTP 503)".
 */
export function describeError(
  error: ArcadeRequestError,
  trans: TranslationBundle
): string {
  const status = error.status;
  switch (error.kind) {
    case 'network':
      return trans.__('Jupyter server not reachable');
    case 'invalid-response':
      return trans.__('unexpected response from the bridge');
    case 'http':
      break;
  }
  if (status === 401 || status === 403) {
    return trans.__('not authorized (HTTP %1)', status);
  }
  // Without a bridge error body the answer came from Jupyter or the proxy,
  // not from the bridge itself.
  if (error.code === null) {
    if (status === 404) {
      return trans.__('bridge not installed (HTTP %1)', status);
    }
    if (status !== null && status >= 500) {
      return trans.__('bridge not reachable (HTTP %1)', status);
    }
  }
  return trans.__('bridge error (HTTP %1)', status ?? '?');
}

/**
 * What failed and what to do: the bridge's own message (with its hint) when
 * the bridge answered, else the short reason of `describeError`.
 */
export function describeFailure(
  error: ArcadeRequestError,
  trans: TranslationBundle
): string {
  return error.kind === 'http' && error.code !== null && error.message !== ''
    ? trans.__('%1 (HTTP %2)', error.message, error.status ?? '?')
    : describeError(error, trans);
}

function describeHealth(
  health: HealthResponse,
  trans: TranslationBundle
): string[] {
  const { arcKernel, backends } = health;
  return [
    trans.__('Arcade bridge %1 connected', health.version),
    arcKernel.installed
      ? trans.__(
          'Arc kernel: installed (%1)',
          arcKernel.displayName ?? arcKernel.name
        )
      : trans.__('Arc kernel: not installed'),
    backends.s3.configured
      ? trans.__('S3: %1', backends.s3.endpoint ?? trans.__('AWS default'))
      : trans.__('S3: not configured'),
    backends.git.configured
      ? trans.__('Git remote: %1', backends.git.remote ?? '')
      : trans.__('Git remote: not configured'),
    trans.__('Click to check again.')
  ];
}
