import { cgiEnvironment, findHeaderEnd, parseCgiHead } from '../../src/dev/cgi';

const base = {
  method: 'POST',
  url: '/workspace.git/git-receive-pack',
  remoteAddress: '127.0.0.1'
};

describe('cgiEnvironment', () => {
  it('sets the CGI variables git http-backend needs', () => {
    const env = cgiEnvironment(
      {
        method: 'GET',
        url: '/workspace.git/info/refs?service=git-upload-pack',
        headers: { 'git-protocol': 'version=2' },
        remoteAddress: '127.0.0.1'
      },
      '/state/git',
      'arcade'
    );
    expect(env).toMatchObject({
      GIT_PROJECT_ROOT: '/state/git',
      GIT_HTTP_EXPORT_ALL: '1',
      REQUEST_METHOD: 'GET',
      PATH_INFO: '/workspace.git/info/refs',
      QUERY_STRING: 'service=git-upload-pack',
      REMOTE_ADDR: '127.0.0.1',
      REMOTE_USER: 'arcade',
      HTTP_GIT_PROTOCOL: 'version=2'
    });
    expect(env).not.toHaveProperty('CONTENT_LENGTH');
  });

  it('passes content type, length and gzip encoding of a push', () => {
    const env = cgiEnvironment(
      {
        ...base,
        headers: {
          'content-type': 'application/x-git-receive-pack-request',
          'content-length': '1234',
          'content-encoding': 'gzip'
        }
      },
      '/r',
      'arcade'
    );
    expect(env).toMatchObject({
      CONTENT_TYPE: 'application/x-git-receive-pack-request',
      CONTENT_LENGTH: '1234',
      HTTP_CONTENT_ENCODING: 'gzip'
    });
  });

  it('leaves CONTENT_LENGTH out for chunked bodies so the CGI reads to EOF', () => {
    const env = cgiEnvironment(
      {
        ...base,
        headers: { 'transfer-encoding': 'chunked', 'content-length': '10' }
      },
      '/r',
      'arcade'
    );
    expect(env).not.toHaveProperty('CONTENT_LENGTH');
  });

  it('refuses paths with NUL or other control characters once decoded', () => {
    for (const url of [
      '/%00',
      '/workspace.git%00/info/refs',
      '/workspace.git/info/refs%0a',
      '/a%0D%0Ab',
      '/a%7Fb'
    ]) {
      expect(
        cgiEnvironment({ ...base, url, headers: {} }, '/r', 'a')
      ).toBeNull();
    }
  });

  it('refuses paths that climb out of the project root', () => {
    for (const url of ['/../etc/passwd', '/a/%2e%2e/b', '/%E0%A4%A']) {
      expect(
        cgiEnvironment({ ...base, url, headers: {} }, '/r', 'a')
      ).toBeNull();
    }
  });
});

describe('CGI response head', () => {
  it('finds the blank line with CRLF or LF endings', () => {
    expect(findHeaderEnd(Buffer.from('A: 1\r\n\r\nbody'))).toEqual({
      headerEnd: 4,
      bodyStart: 8
    });
    expect(findHeaderEnd(Buffer.from('A: 1\nB: 2\n\nbody'))).toEqual({
      headerEnd: 9,
      bodyStart: 11
    });
    expect(findHeaderEnd(Buffer.from('A: 1\r\nB: 2'))).toBeNull();
  });

  it('takes the HTTP status from Status:', () => {
    expect(
      parseCgiHead(
        'Status: 404 Not Found\r\nContent-Type: text/plain\r\nExpires: Fri, 01 Jan 1980 00:00:00 GMT'
      )
    ).toEqual({
      status: 404,
      statusMessage: 'Not Found',
      headers: [
        ['Content-Type', 'text/plain'],
        ['Expires', 'Fri, 01 Jan 1980 00:00:00 GMT']
      ]
    });
  });

  it('defaults to 200, or 302 with a Location', () => {
    expect(parseCgiHead('Content-Type: x').status).toBe(200);
    expect(parseCgiHead('Location: /elsewhere').status).toBe(302);
  });

  it('rejects malformed headers', () => {
    expect(() => parseCgiHead('no colon here')).toThrow(/malformed/);
    expect(() => parseCgiHead('Status: teapot')).toThrow(/Status/);
  });
});
