import { request as httpRequest, createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FaultCounts {
  forwarded: number;
  dropped: number;
  errors500: number;
  slowDowns: number;
  droppedAfterForward: number;
}

const XML = (code: string, message: string): string =>
  `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;

/**
 * An HTTP proxy in front of the S3 server that fails a share of requests:
 * closes the connection without an answer, answers 500 InternalError or 503
 * SlowDown, or forwards the request and then drops the answer. Headers pass
 * unchanged, so SigV4 signatures (made for the proxy's Host) still verify.
 */
export class FaultProxy {
  readonly counts: FaultCounts = {
    forwarded: 0,
    dropped: 0,
    errors500: 0,
    slowDowns: 0,
    droppedAfterForward: 0
  };
  rate: number;
  /** Requests whose answer is dropped once after forwarding (e.g. CompleteMultipartUpload). */
  dropAnswerOnce: ((method: string, url: string) => boolean) | null = null;
  readonly #target: URL;
  readonly #random: () => number;
  #server: Server | null = null;

  constructor(
    target: string,
    rate: number,
    random: () => number = Math.random
  ) {
    this.#target = new URL(target);
    this.rate = rate;
    this.#random = random;
  }

  get endpoint(): string {
    const address = this.#server?.address() as AddressInfo | null;
    return `http://127.0.0.1:${address?.port ?? 0}`;
  }

  get injected(): number {
    const c = this.counts;
    return c.dropped + c.errors500 + c.slowDowns + c.droppedAfterForward;
  }

  async start(): Promise<void> {
    this.#server = createServer((req, res) => {
      const roll = this.#random();
      const share = this.rate / 4;
      if (roll < share) {
        this.counts.dropped += 1;
        req.socket.destroy();
        return;
      }
      if (roll < 3 * share) {
        const slow = roll >= 2 * share;
        if (slow) {
          this.counts.slowDowns += 1;
        } else {
          this.counts.errors500 += 1;
        }
        req.resume();
        req.on('end', () => {
          res.writeHead(slow ? 503 : 500, {
            'Content-Type': 'application/xml'
          });
          res.end(
            slow
              ? XML('SlowDown', 'Please reduce your request rate.')
              : XML('InternalError', 'Injected failure.')
          );
        });
        return;
      }
      const targeted =
        this.dropAnswerOnce?.(req.method ?? '', req.url ?? '') === true;
      if (targeted) {
        this.dropAnswerOnce = null;
      }
      const dropAnswer = targeted || roll < 4 * share;
      const upstream = httpRequest(
        {
          host: this.#target.hostname,
          port: this.#target.port,
          method: req.method,
          path: req.url,
          headers: req.headers
        },
        answer => {
          if (dropAnswer) {
            this.counts.droppedAfterForward += 1;
            answer.resume();
            answer.on('end', () => req.socket.destroy());
            return;
          }
          this.counts.forwarded += 1;
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        }
      );
      upstream.on('error', () => req.socket.destroy());
      req.pipe(upstream);
    });
    await new Promise<void>(resolve =>
      this.#server?.listen(0, '127.0.0.1', resolve)
    );
  }

  async stop(): Promise<void> {
    const server = this.#server;
    if (server === null) {
      return;
    }
    server.closeAllConnections();
    await new Promise<void>(resolve =>
      server.close(() => {
        resolve();
      })
    );
  }
}
