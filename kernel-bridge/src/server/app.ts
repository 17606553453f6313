import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest
} from 'fastify';
import type { Settings } from '../config';
import type { Secret } from '../secret';
import { ArcadeError } from 'arcade-engine';
import { registerRoutes } from './routes';
import {
  passesDevToken,
  passesSameOrigin,
  passesXsrf,
  XSRF_HEADER
} from './security';

/** Largest request body the bridge accepts. */
export const BODY_LIMIT = 1024 * 1024;

export interface ServerOptions {
  /** Dev mode (`serve --port`): require `Authorization: token …`. */
  requireDevToken: boolean;
  /** Where unexpected errors are reported; never sent to the client. */
  reportError?: (error: unknown) => void;
}

function sendError(reply: FastifyReply, error: ArcadeError): FastifyReply {
  return reply
    .code(error.httpStatus)
    .type('application/json; charset=utf-8')
    .send(error.toResponse());
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** Maps fastify's own client errors; anything else is a 500. */
function fromFastifyError(error: FastifyError): ArcadeError {
  if (error instanceof ArcadeError) {
    return error;
  }
  const status = error.statusCode ?? 500;
  if (status === 413) {
    return new ArcadeError(
      'payload_too_large',
      `request body is larger than ${BODY_LIMIT} bytes`
    );
  }
  if (status === 415) {
    return new ArcadeError(
      'unsupported_media_type',
      'the request body must be application/json',
      { hint: 'send it with "Content-Type: application/json"' }
    );
  }
  if (status === 404) {
    return new ArcadeError('not_found', error.message);
  }
  if (status >= 400 && status < 500) {
    return new ArcadeError('bad_request', error.message);
  }
  return new ArcadeError('internal', 'internal error in the Arcade bridge', {
    cause: error
  });
}

/**
 * Checks every request before routing, in order: dev token (dev mode only),
 * declared body size, then XSRF token and origin for state-changing methods.
 */
function rejectionFor(
  request: FastifyRequest,
  options: ServerOptions,
  devToken: Secret | null
): ArcadeError | null {
  if (
    options.requireDevToken &&
    devToken !== null &&
    !passesDevToken(request.headers.authorization, devToken)
  ) {
    return new ArcadeError('unauthorized', 'missing or wrong dev token', {
      hint: 'send "Authorization: token <ARCADE_DEV_TOKEN>"'
    });
  }
  const length = Number(request.headers['content-length'] ?? '0');
  if (Number.isFinite(length) && length > BODY_LIMIT) {
    return new ArcadeError(
      'payload_too_large',
      `request body is larger than ${BODY_LIMIT} bytes`
    );
  }
  if (
    !passesXsrf(
      request.method,
      headerValue(request.headers[XSRF_HEADER]),
      request.headers.cookie
    )
  ) {
    return new ArcadeError(
      'xsrf',
      'missing or wrong X-XSRFToken header for this request',
      { hint: 'send the _xsrf cookie value in the X-XSRFToken header' }
    );
  }
  if (
    !passesSameOrigin(request.method, {
      secFetchSite: headerValue(request.headers['sec-fetch-site']),
      origin: headerValue(request.headers.origin),
      host: request.headers.host
    })
  ) {
    return new ArcadeError(
      'xsrf',
      'refused a state-changing request that is not from the same origin',
      {
        hint: 'send it from the JupyterLab page, or with "Sec-Fetch-Site: same-origin" or an Origin matching the Host'
      }
    );
  }
  return null;
}

/** Builds the bridge's HTTP app; the caller decides where it listens. */
export function createServer(
  settings: Settings,
  options: ServerOptions = { requireDevToken: false }
): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: BODY_LIMIT });
  // A page of another site can send a text/plain POST without a CORS preflight; only JSON is accepted.
  app.removeContentTypeParser('text/plain');
  // Every other type is read to the end before it is refused: answering 415 while
  // jupyter-server-proxy is still sending the body breaks its pipe, and it answers 500.
  app.addContentTypeParser(
    '*',
    { parseAs: 'buffer', bodyLimit: BODY_LIMIT },
    (_request, _body, done) => {
      done(
        new ArcadeError(
          'unsupported_media_type',
          'the request body must be application/json',
          { hint: 'send it with "Content-Type: application/json"' }
        ),
        undefined
      );
    }
  );
  const devToken = settings.devToken;
  if (options.requireDevToken && devToken === null) {
    throw new ArcadeError('config', 'dev mode needs ARCADE_DEV_TOKEN', {
      hint: 'set ARCADE_DEV_TOKEN to a random string and send it as "Authorization: token <value>"'
    });
  }

  // Checked once the body has been read: refusing earlier makes Node close the socket while
  // jupyter-server-proxy is still sending the body, and the proxy turns that broken pipe into a 500.
  app.addHook('preValidation', (request, _reply, done) => {
    const rejection = rejectionFor(request, options, devToken);
    if (rejection === null) {
      done();
    } else {
      done(rejection);
    }
  });

  registerRoutes(app, settings, options.reportError);

  app.setNotFoundHandler((request, reply) =>
    sendError(
      reply,
      new ArcadeError(
        'not_found',
        `no route for ${request.method} ${request.url.split('?')[0] ?? ''}`
      )
    )
  );

  app.setErrorHandler((error: FastifyError, _request, reply) => {
    const arcadeError = fromFastifyError(error);
    if (arcadeError.code === 'internal') {
      options.reportError?.(error);
    }
    return sendError(reply, arcadeError);
  });

  return app;
}
