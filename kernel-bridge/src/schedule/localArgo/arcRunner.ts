/**
 * Runs the container step of Arcade's job template on this machine: the
 * same main class and Arc arguments the template gives spark-submit
 * (`dev.arcade.launch.ArcJob --etl.config.uri=s3a://…/versions/<sha>/… …`),
 * in a local JVM with the Arc kernel's classpath, so Arc itself reads the
 * pinned version from the S3 server. spark-submit's own options (driver and
 * executor sizes, the Kubernetes master, node selection) have no local
 * meaning and are left out; a step that is not an Arc job ends in Error.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Env, Settings } from '../../config';
import { writePrivateFile } from '../../privateFile';
import { secretValues, Scrubber } from '../../secret';
import { readLines } from '../../runs/lines';
import { argumentFile, forgetChild, recordChild } from '../../runs/children';
import { credentialsEnvironment, runEnvironment } from '../../runs/environment';
import {
  ARC_MAIN_CLASS,
  arcJavaOptions,
  argumentFileText,
  type ArcRuntime
} from '../../runs/runtime';
import { LAUNCHER_CLASS } from '../manifests';
import type { JobHandle, JobResult, JobRunner, JobSpec } from './types';

const STOP_GRACE_MS = 10_000;

/** The main class and Arc's arguments of a spark-submit command line, or why not. */
export function arcStep(
  args: readonly string[]
): { mainClass: string; arcArgs: string[] } | string {
  const at = args.indexOf('--class');
  const mainClass = at < 0 ? undefined : args[at + 1];
  if (mainClass !== LAUNCHER_CLASS && mainClass !== ARC_MAIN_CLASS) {
    return `this step is not an Arc job (main class ${mainClass ?? 'none'}); the local Argo service runs Arcade's Arc job template only`;
  }
  const jar = args.findIndex((arg, i) => i > at + 1 && /\.jar$/.test(arg));
  if (jar < 0) {
    return 'the spark-submit command has no application jar after --class';
  }
  return { mainClass, arcArgs: args.slice(jar + 1) };
}

/**
 * Arc reads an `s3a://` job file with its own settings, not Spark's: the
 * access key, endpoint and TLS flag come from `ETL_CONF_S3A_*` (here in the
 * JVM's environment, never its command line); without a key it falls back
 * to the instance profile, which a local S3 server does not have.
 */
export function configReadEnvironment(
  runtime: Pick<ArcRuntime, 's3Endpoint'>,
  credentials: Record<string, string> | null
): Record<string, string> {
  const key = credentials?.AWS_ACCESS_KEY_ID;
  const secret = credentials?.AWS_SECRET_ACCESS_KEY;
  if (
    runtime.s3Endpoint === null ||
    key === undefined ||
    secret === undefined
  ) {
    return {};
  }
  return {
    ETL_CONF_S3A_ENDPOINT: runtime.s3Endpoint,
    ETL_CONF_S3A_CONNECTION_SSL_ENABLED: String(
      runtime.s3Endpoint.startsWith('https:')
    ),
    ETL_CONF_S3A_ACCESS_KEY: key,
    ETL_CONF_S3A_SECRET_KEY: secret
  };
}

export interface ArcRunnerOptions {
  runtime: () => ArcRuntime;
  settings: Pick<Settings, 'awsCredentialSource'>;
  env: Env;
}

export function arcJobRunner(options: ArcRunnerOptions): JobRunner {
  return (job: JobSpec): JobHandle => {
    const state = { stopRequested: false };
    let stopChild: () => void = () => undefined;
    const done = (async (): Promise<JobResult> => {
      const step = arcStep(job.template.container?.args ?? []);
      mkdirSync(path.dirname(job.logFile), { recursive: true, mode: 0o700 });
      const log = createWriteStream(job.logFile, { flags: 'a', mode: 0o600 });
      const finish = (result: JobResult): Promise<JobResult> =>
        new Promise(resolve =>
          log.end(() => {
            resolve(result);
          })
        );
      if (typeof step === 'string') {
        log.write(`arcade: ${step}\n`);
        return finish({ exitCode: null, message: step });
      }
      const runtime = options.runtime();
      const credentials = await credentialsEnvironment(
        options.settings,
        options.env
      );
      const scrubber = new Scrubber([
        ...secretValues(options.env),
        ...Object.values(credentials ?? {})
      ]);
      const id = `argo-${randomUUID()}`;
      const argFile = argumentFile(runtime.workDir, id);
      await writePrivateFile(
        argFile,
        argumentFileText([step.mainClass, ...step.arcArgs])
      );
      const child = spawn(
        runtime.java,
        [
          ...arcJavaOptions(runtime, {
            credentialsInEnvironment: credentials !== null
          }),
          `@${argFile}`
        ],
        {
          cwd: runtime.workDir,
          env: {
            ...runEnvironment(options.env, credentials),
            ...configReadEnvironment(runtime, credentials)
          },
          detached: true,
          stdio: ['ignore', 'pipe', 'pipe']
        }
      );
      if (child.pid !== undefined) {
        recordChild(runtime.workDir, id, child.pid);
      }
      const signal = (name: NodeJS.Signals) => {
        if (child.pid !== undefined) {
          try {
            process.kill(-child.pid, name);
          } catch {
            // Already gone.
          }
        }
      };
      let killTimer: ReturnType<typeof setTimeout> | undefined;
      stopChild = () => {
        signal('SIGTERM');
        killTimer = setTimeout(() => {
          signal('SIGKILL');
        }, STOP_GRACE_MS);
        killTimer.unref();
      };
      if (state.stopRequested) {
        stopChild();
      }
      const write = (line: string) => {
        log.write(`${scrubber.scrub(line)}\n`);
      };
      const closed = [child.stdout, child.stderr].map(stream =>
        readLines(stream, write)
      );
      const exit = await new Promise<{
        code: number | null;
        error: Error | null;
      }>(resolve => {
        let error: Error | null = null;
        child.once('error', e => {
          error = e;
        });
        child.once('close', code => {
          resolve({ code, error });
        });
      });
      await Promise.all(closed);
      clearTimeout(killTimer);
      await forgetChild(runtime.workDir, id, child.pid);
      if (exit.error !== null) {
        write(`arcade: could not start Java: ${exit.error.message}`);
        return finish({
          exitCode: null,
          message: `could not start Java: ${exit.error.message}`
        });
      }
      return finish(
        state.stopRequested
          ? { exitCode: exit.code ?? 143, message: 'stopped' }
          : { exitCode: exit.code }
      );
    })();
    return {
      done,
      stop: () => {
        state.stopRequested = true;
        stopChild();
      }
    };
  };
}
