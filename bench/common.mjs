// Shared by the benchmarks: the machine description written into every result,
// the median and percentiles, free ports, a local stack (`arcade dev up`) and
// the environment it prints, polling helpers.
import { execFileSync, spawn } from 'node:child_process';
import http from 'node:http';
import os from 'node:os';

export function machine() {
  return {
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryBytes: os.totalmem(),
    loadAverage: os.loadavg(),
    node: process.version
  };
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 0
    ? (sorted[mid - 1] + sorted[mid]) / 2
    : sorted[mid];
}

/** A random port for the local stack, not next to one already taken (MinIO takes two). */
export function freePort(taken) {
  for (;;) {
    const port = 20000 + Math.floor(Math.random() * 20000);
    if (!taken.some(p => Math.abs(p - port) <= 1)) {
      return port;
    }
  }
}

/** The variables `arcade dev env` prints for a stack's state folder. */
export function devEnv(arcade, state) {
  const env = {};
  for (const line of execFileSync(arcade, ['dev', 'env', '--state', state], {
    encoding: 'utf8'
  }).split('\n')) {
    const match = /^export ([A-Z0-9_]+)=(.*)$/.exec(line);
    if (match !== null) {
      env[match[1]] = match[2].replace(/^'(.*)'$/, '$1');
    }
  }
  return env;
}

/** Arc's record timestamp `2026-12-02 09:59:40.166+0000` in ms, or null. */
export function arcTime(line) {
  const match =
    /"timestamp":"(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d\.\d+)\+0000"/.exec(line);
  return match === null ? null : Date.parse(`${match[1]}T${match[2]}Z`);
}

/** Debian's Chromium as every browser benchmark starts it. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run'
];

/** Runs `arcade runs logs NAME -f`, noting when each line arrives. */
export function followLogs(arcade, name, cwd, env) {
  const child = spawn(arcade, ['runs', 'logs', name, '-f'], { cwd, env });
  const lines = [];
  let pending = '';
  child.stdout.on('data', chunk => {
    const now = Date.now();
    pending += chunk.toString('utf8');
    const parts = pending.split('\n');
    pending = parts.pop() ?? '';
    for (const line of parts) {
      lines.push({ line, at: now });
    }
  });
  return { lines, done: new Promise(resolve => child.once('close', resolve)) };
}

/** The value at the p-th percentile (nearest rank). */
export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
  ];
}

/** The HTTP status of a GET, 0 when nothing answers. */
export function httpStatus(url) {
  return new Promise(resolve => {
    http
      .get(url, response => {
        response.resume();
        resolve(response.statusCode ?? 0);
      })
      .on('error', () => resolve(0));
  });
}

/** Polls `check` every 250 ms until it gives a truthy value, which it returns. */
export async function until(what, check, ms) {
  const started = Date.now();
  for (;;) {
    const value = await check();
    if (value) {
      return value;
    }
    if (Date.now() - started > ms) {
      throw new Error(`${what}: not within ${ms} ms`);
    }
    await new Promise(resolve => setTimeout(resolve, 250));
  }
}

/**
 * `arcade dev up` on free ports with `env`; returns the ports taken and the
 * variables `arcade dev env` prints for the stack.
 */
export function devUp(arcade, state, env = process.env) {
  const ports = [];
  for (let i = 0; i < 4; i++) {
    ports.push(freePort(ports));
  }
  const [s3, git, argo, athena] = ports;
  execFileSync(
    arcade,
    [
      'dev',
      'up',
      '--state',
      state,
      '--s3-port',
      String(s3),
      '--git-port',
      String(git),
      '--argo-port',
      String(argo),
      '--athena-port',
      String(athena)
    ],
    { stdio: 'inherit', env }
  );
  return { ports, env: devEnv(arcade, state) };
}
