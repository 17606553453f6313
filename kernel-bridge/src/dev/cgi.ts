/**
 * The pure half of the CGI bridge to `git http-backend` (RFC 3875): the
 * environment a request becomes, and the header block the script answers.
 */

export interface CgiRequest {
  method: string;
  /** Request target as received, e.g. `/workspace.git/info/refs?service=…`. */
  url: string;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  remoteAddress: string;
}

export interface CgiHead {
  status: number;
  statusMessage: string;
  headers: [string, string][];
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

/** NUL and the other C0 controls and DEL: never part of a repository path. */
function hasControl(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) {
      return true;
    }
  }
  return false;
}

/**
 * The CGI variables for one request. Returns null when the path is not
 * valid percent-encoding, holds control characters (a NUL cannot go into
 * the environment of the CGI) or tries to leave the project root.
 */
export function cgiEnvironment(
  request: CgiRequest,
  projectRoot: string,
  remoteUser: string
): Record<string, string> | null {
  const queryIndex = request.url.indexOf('?');
  const rawPath =
    queryIndex === -1 ? request.url : request.url.slice(0, queryIndex);
  const query = queryIndex === -1 ? '' : request.url.slice(queryIndex + 1);
  let pathInfo: string;
  try {
    pathInfo = decodeURIComponent(rawPath);
  } catch {
    return null;
  }
  if (
    !pathInfo.startsWith('/') ||
    hasControl(pathInfo) ||
    pathInfo.split('/').includes('..')
  ) {
    return null;
  }
  const env: Record<string, string> = {
    GATEWAY_INTERFACE: 'CGI/1.1',
    SERVER_PROTOCOL: 'HTTP/1.1',
    SERVER_SOFTWARE: 'arcade-dev-git',
    GIT_PROJECT_ROOT: projectRoot,
    GIT_HTTP_EXPORT_ALL: '1',
    REQUEST_METHOD: request.method,
    PATH_INFO: pathInfo,
    QUERY_STRING: query,
    REMOTE_ADDR: request.remoteAddress,
    // http-backend only allows pushes from an authenticated user.
    REMOTE_USER: remoteUser
  };
  const contentType = single(request.headers['content-type']);
  if (contentType !== undefined) {
    env.CONTENT_TYPE = contentType;
  }
  const chunked = /chunked/i.test(
    single(request.headers['transfer-encoding']) ?? ''
  );
  const contentLength = single(request.headers['content-length']);
  // Without CONTENT_LENGTH http-backend reads the body until EOF, which is
  // what a chunked request needs.
  if (contentLength !== undefined && !chunked) {
    env.CONTENT_LENGTH = contentLength;
  }
  const encoding = single(request.headers['content-encoding']);
  if (encoding !== undefined) {
    env.HTTP_CONTENT_ENCODING = encoding;
  }
  const protocol = single(request.headers['git-protocol']);
  if (protocol !== undefined) {
    env.HTTP_GIT_PROTOCOL = protocol;
  }
  return env;
}

/**
 * Where the CGI header block ends in the script's output so far: the index
 * of the blank line and where the body starts, or null if not yet seen.
 */
export function findHeaderEnd(
  output: Buffer
): { headerEnd: number; bodyStart: number } | null {
  const crlf = output.indexOf('\r\n\r\n');
  const lf = output.indexOf('\n\n');
  if (crlf !== -1 && (lf === -1 || crlf < lf)) {
    return { headerEnd: crlf, bodyStart: crlf + 4 };
  }
  if (lf !== -1) {
    return { headerEnd: lf, bodyStart: lf + 2 };
  }
  return null;
}

/** Parses a CGI header block; `Status:` sets the HTTP status. */
export function parseCgiHead(block: string): CgiHead {
  let status = 200;
  let statusMessage = 'OK';
  let sawLocation = false;
  let sawStatus = false;
  const headers: [string, string][] = [];
  for (const line of block.split(/\r?\n/)) {
    if (line.trim() === '') {
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) {
      throw new Error(`malformed CGI header line: ${line}`);
    }
    const name = line.slice(0, colon).trim();
    const value = line.slice(colon + 1).trim();
    if (name.toLowerCase() === 'status') {
      const match = /^(\d{3})\s*(.*)$/.exec(value);
      if (match?.[1] === undefined) {
        throw new Error(`malformed CGI Status header: ${value}`);
      }
      status = Number(match[1]);
      statusMessage = match[2] ?? '';
      sawStatus = true;
      continue;
    }
    if (name.toLowerCase() === 'location') {
      sawLocation = true;
    }
    headers.push([name, value]);
  }
  if (sawLocation && !sawStatus) {
    status = 302;
    statusMessage = 'Found';
  }
  return { status, statusMessage, headers };
}
