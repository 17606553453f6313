/**
 * The local Argo service in the dev stack: `arcade dev up` starts
 * `arcade dev argo-serve` detached on 127.0.0.1 with a bearer token kept in
 * `<state>/argo-token` (0600); `arcade dev env` points the bridge at it.
 */
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Env } from '../config';
import { loadSettings } from '../config';
import { writePrivateFile } from '../privateFile';
import { arcRuntime } from '../runs/runtime';
import { argoTools, requireFile } from '../schedule/argoTools';
import { arcJobRunner } from '../schedule/localArgo/arcRunner';
import { createLocalArgo } from '../schedule/localArgo/service';
import { Secret } from '../secret';
import { HOST } from './options';

/** The namespace Arcade uses in local mode. */
export const LOCAL_ARGO_NAMESPACE = 'arcade';

export function argoUrl(port: number): string {
  return `http://${HOST}:${port}`;
}

/** The local service's token: created once per state directory. */
export async function ensureArgoToken(file: string): Promise<Secret> {
  try {
    const text = (await readFile(file, 'utf8')).trim();
    if (text.length >= 32) {
      return new Secret(text);
    }
  } catch {
    // Created below.
  }
  const token = randomBytes(32).toString('base64url');
  await writePrivateFile(file, `${token}\n`);
  return new Secret(token);
}

/** True when the service on `port` answers this token and refuses none. */
export async function argoAnswers(
  port: number,
  token: Secret
): Promise<boolean> {
  const url = `${argoUrl(port)}/api/v1/workflows/${LOCAL_ARGO_NAMESPACE}`;
  try {
    const anonymous = await fetch(url, { signal: AbortSignal.timeout(2000) });
    const authorised = await fetch(url, {
      headers: { authorization: `Bearer ${token.reveal()}` },
      signal: AbortSignal.timeout(2000)
    });
    return anonymous.status === 401 && authorised.status === 200;
  } catch {
    return false;
  }
}

/** `arcade dev argo-serve`: the service in the foreground until SIGTERM. */
export async function runArgoServe(
  stateDir: string,
  port: number,
  env: Env,
  repoRoot: string | null,
  report: (error: unknown) => void
): Promise<void> {
  const root = path.resolve(stateDir);
  const token = await ensureArgoToken(path.join(root, 'argo-token'));
  const settings = loadSettings(env, root);
  const tools = argoTools(env, repoRoot);
  const argo = await createLocalArgo({
    dir: path.join(root, 'argo'),
    token,
    validator: requireFile(tools.validator, "Argo's validator"),
    runner: arcJobRunner({
      runtime: () => arcRuntime(env, settings, repoRoot),
      settings,
      env
    }),
    report
  });
  await argo.listen(port);
  if (argo.recovered > 0) {
    process.stdout.write(
      `local Argo: ${argo.recovered} run(s) cut off by the last stop ended as Error\n`
    );
  }
  process.stdout.write(`local Argo service on ${argoUrl(port)}\n`);
  await new Promise<void>(resolve => {
    const stop = () => {
      void argo.close().finally(resolve);
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
}
