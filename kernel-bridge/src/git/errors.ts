import { ArcadeError, isRecord } from 'arcade-engine';

/** What an operation was doing, for the message: "push to http://host/repo.git". */
export interface GitContext {
  action: string;
  /** The remote as it may be shown (no credentials), when one is involved. */
  remote?: string;
}

function dataOf(error: unknown): Record<string, unknown> {
  return isRecord(error) && isRecord(error.data) ? error.data : {};
}

function codeOf(error: unknown): string {
  if (isRecord(error) && typeof error.code === 'string') {
    return error.code;
  }
  return '';
}

function fileList(value: unknown): string {
  const files = Array.isArray(value)
    ? value.filter(v => typeof v === 'string')
    : [];
  const shown = files.slice(0, 10).join(', ');
  return files.length > 10 ? `${shown} and ${files.length - 10} more` : shown;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE'
]);

/**
 * One clear message per failure, written here rather than passed through:
 * isomorphic-git's and Node's texts can carry a URL with credentials and
 * never say what to do next.
 */
export function gitError(error: unknown, context: GitContext): ArcadeError {
  if (error instanceof ArcadeError) {
    return error;
  }
  const where = context.remote === undefined ? '' : ` (${context.remote})`;
  const data = dataOf(error);
  const code = codeOf(error);
  switch (code) {
    case 'PushRejectedError':
      return new ArcadeError(
        'conflict',
        `${context.action}${where} was rejected: the remote branch has commits this clone does not have`,
        {
          hint: 'pull first (your commits and changes stay), then push again',
          cause: error
        }
      );
    case 'GitPushError':
      return new ArcadeError(
        'upstream',
        `the remote refused ${context.action}${where}`,
        {
          hint: 'check that the branch is not protected and you may push to it',
          cause: error
        }
      );
    case 'FastForwardError':
    case 'MergeNotSupportedError':
    case 'MergeConflictError':
      return new ArcadeError(
        'conflict',
        `${context.action}${where} cannot fast-forward: this branch and the remote's have both moved on`,
        {
          hint: 'nothing was changed locally; merge or rebase with git in a terminal, then push',
          cause: error
        }
      );
    case 'CheckoutConflictError':
      return new ArcadeError(
        'conflict',
        `${context.action} would overwrite uncommitted changes in: ${fileList(data.filepaths)}`,
        {
          hint: 'commit or discard those changes first; nothing was changed',
          cause: error
        }
      );
    case 'UnmergedPathsError':
      return new ArcadeError(
        'conflict',
        `${context.action} is not possible while files are unmerged: ${fileList(data.filepaths)}`,
        {
          hint: 'resolve the conflicts, stage the files, then try again',
          cause: error
        }
      );
    case 'HttpError': {
      const status = typeof data.statusCode === 'number' ? data.statusCode : 0;
      if (status === 401 || status === 403) {
        return new ArcadeError(
          'unauthorized',
          `the git server refused the credentials for ${context.action}${where} (HTTP ${status})`,
          {
            hint: 'the token may have expired or lack access: renew ARCADE_GIT_TOKEN (or its Secrets Manager secret) and restart the bridge',
            cause: error
          }
        );
      }
      if (status === 404) {
        return new ArcadeError(
          'not_found',
          `no repository at the remote${where}`,
          {
            hint: 'check the remote URL',
            cause: error
          }
        );
      }
      return new ArcadeError(
        'upstream',
        `the git server answered HTTP ${status} to ${context.action}${where}`,
        { hint: 'try again later, or check the git server', cause: error }
      );
    }
    case 'NotFoundError':
      return new ArcadeError(
        'not_found',
        `${context.action}: ${typeof data.what === 'string' ? data.what : 'it'} does not exist`,
        {
          cause: error
        }
      );
    case 'AlreadyExistsError':
      return new ArcadeError(
        'conflict',
        `${context.action}: ${typeof data.where === 'string' ? data.where : 'it'} already exists`,
        {
          hint: 'choose another name',
          cause: error
        }
      );
    case 'InvalidRefNameError':
      return new ArcadeError(
        'bad_request',
        `${context.action}: not a valid branch name`,
        {
          hint: 'use letters, digits, "-", "_", "/" and "." (no spaces, "..", or trailing ".lock")',
          cause: error
        }
      );
    case 'UrlParseError':
    case 'UnknownTransportError':
      return new ArcadeError(
        'bad_request',
        `${context.action}: the remote is not an http(s) URL`,
        {
          hint: 'the bridge speaks git over HTTPS; use an https:// remote',
          cause: error
        }
      );
    case 'UserCanceledError':
      return new ArcadeError('cancelled', `${context.action} was cancelled`, {
        cause: error
      });
    case 'SmartHttpError':
    case 'EmptyServerResponseError':
    case 'RemoteCapabilityError':
      return new ArcadeError(
        'upstream',
        `the git server's answer to ${context.action}${where} was not understood`,
        {
          hint: 'check that the remote is a git smart-HTTP server',
          cause: error
        }
      );
    default:
      break;
  }
  if (NETWORK_CODES.has(code)) {
    return new ArcadeError(
      'upstream',
      `could not reach the git server for ${context.action}${where} (${code})`,
      {
        hint: 'check the network and that the server is up, then try again',
        cause: error
      }
    );
  }
  return new ArcadeError(
    'internal',
    `${context.action} failed in the git library`,
    {
      hint: 'see the bridge log for details',
      cause: error
    }
  );
}
