import { existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Env, Settings } from '../config';
import { ArcadeError, argumentValueProblem } from 'arcade-engine';
import { arcClasspathFromKernelspec } from '../kernelspec';

/**
 * Opens the JDK modules Spark 3.3 reaches into on Java 17, as Spark's own
 * launcher does (`JavaModuleOptions`).
 */
export const JAVA17_OPTIONS: readonly string[] = [
  'java.lang',
  'java.lang.invoke',
  'java.lang.reflect',
  'java.io',
  'java.net',
  'java.nio',
  'java.util',
  'java.util.concurrent',
  'java.util.concurrent.atomic',
  'sun.nio.ch',
  'sun.nio.cs',
  'sun.security.action',
  'sun.util.calendar'
].map(pkg => `--add-opens=java.base/${pkg}=ALL-UNNAMED`);

export const ARC_MAIN_CLASS = 'ai.tripl.arc.ARC';

/** Spark's provider for AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN. */
export const ENV_CREDENTIALS_PROVIDER =
  'com.amazonaws.auth.EnvironmentVariableCredentialsProvider';

/** Arc's own options; a `--var` must not override them. */
const RESERVED_VAR_PREFIX = 'etl.';

/** Where and how batch runs start the JVM. */
export interface ArcRuntime {
  java: string;
  /** Java classpath: Arc, Spark, Delta, hadoop-aws, then the plugins. */
  classpath: string;
  memory: string;
  master: string;
  warehouseDir: string;
  /** Working directory of the JVM, so Spark's leftovers stay out of the workspace. */
  workDir: string;
  /** The S3 endpoint to point s3a at, or null for AWS itself. */
  s3Endpoint: string | null;
  region: string;
}

function nonEmpty(value: string | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? null : trimmed;
}

function hasJars(dir: string): boolean {
  try {
    return readdirSync(dir).some(name => name.endsWith('.jar'));
  } catch {
    return false;
  }
}

function stateDir(env: Env): string {
  return nonEmpty(env.ARCADE_STATE_DIR) ?? path.join(tmpdir(), 'arcade');
}

/** Where runs work and keep their records: `<ARCADE_STATE_DIR>/runs`. */
export function runsDir(env: Env): string {
  return path.join(stateDir(env), 'runs');
}

/**
 * The Arc runtime: ARCADE_ARC_CLASSPATH (a Java classpath), else the one the
 * installed `arc` kernelspec records (the kernel's own jars), else, in a
 * source checkout, `.cache/arc/jars` and `.cache/arc/plugins` as
 * `make arc-jars` and the plugin build leave them.
 */
export function arcRuntime(
  env: Env,
  settings: Pick<Settings, 's3' | 'kernelspecDirs'>,
  repoRoot: string | null
): ArcRuntime {
  let classpath =
    nonEmpty(env.ARCADE_ARC_CLASSPATH) ??
    arcClasspathFromKernelspec(settings.kernelspecDirs);
  if (classpath === null) {
    const jars =
      repoRoot === null ? null : path.join(repoRoot, '.cache', 'arc', 'jars');
    if (jars === null || !hasJars(jars)) {
      throw new ArcadeError(
        'missing_dependency',
        jars === null
          ? 'the Arc runtime is not configured'
          : `the Arc runtime is missing: no jars in ${jars}`,
        {
          hint:
            jars === null
              ? 'set ARCADE_ARC_CLASSPATH to the classpath of Arc, Spark and Delta Lake'
              : 'run "make arc-jars", or set ARCADE_ARC_CLASSPATH'
        }
      );
    }
    const plugins = path.join(path.dirname(jars), 'plugins');
    // The kernel jar holds Arcade's job launcher (dev.arcade.launch.ArcJob).
    const kernel = path.join(path.dirname(jars), 'kernel');
    classpath = [
      path.join(jars, '*'),
      ...[plugins, kernel]
        .filter(dir => existsSync(dir))
        .map(dir => path.join(dir, '*'))
    ].join(path.delimiter);
  }
  const javaHome = nonEmpty(env.JAVA_HOME);
  return {
    java:
      nonEmpty(env.ARCADE_JAVA) ??
      (javaHome === null ? 'java' : path.join(javaHome, 'bin', 'java')),
    classpath,
    memory: nonEmpty(env.ARCADE_RUN_MEMORY) ?? '2g',
    master: nonEmpty(env.ARCADE_SPARK_MASTER) ?? 'local[2]',
    warehouseDir:
      nonEmpty(env.ARCADE_SPARK_WAREHOUSE) ??
      path.join(stateDir(env), 'spark-warehouse'),
    workDir: runsDir(env),
    s3Endpoint: settings.s3.endpoint,
    region: settings.s3.region
  };
}

/** What one run asks for. */
export interface RunRequest {
  /** Absolute path of the notebook. */
  notebookFile: string;
  environment: string;
  vars: Record<string, string>;
  jobId: string;
}

export interface JavaCommand {
  command: string;
  /** JVM options, on the command line every user of the machine can read. */
  args: string[];
  /**
   * The main class and Arc's arguments, `--var` values among them: they go
   * to the launcher in an argument file only the user can read.
   */
  fileArgs: string[];
}

/** Spark's driver and block manager listen here: loopback, never another interface. */
export const SPARK_BIND_ADDRESS = '127.0.0.1';

/** Environment names Arc accepts and a shell shows unquoted. */
export function checkEnvironment(environment: string): void {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(environment)) {
    throw new ArcadeError('usage', `invalid environment "${environment}"`, {
      hint: 'use letters, digits, ".", "_" or "-", e.g. dev'
    });
  }
}

/**
 * Checks `--var` names and values. Arc reads `--NAME=value` arguments as
 * HOCON paths that win over the environment when it resolves `${NAME}`.
 */
export function checkVars(vars: Record<string, string>): void {
  for (const [name, value] of Object.entries(vars)) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/.test(name)) {
      throw new ArcadeError('usage', `invalid variable name "${name}"`, {
        hint: 'use a name such as ETL_CONF_LAKE'
      });
    }
    if (name.startsWith(RESERVED_VAR_PREFIX)) {
      throw new ArcadeError('usage', `variable "${name}" is reserved for Arc`, {
        hint: 'etl.* options are set by arcade run itself'
      });
    }
    const problem = argumentValueProblem(`variable "${name}"`, value);
    if (problem !== null) {
      throw new ArcadeError('usage', problem, {
        hint: 'pass single-line values without " or \\'
      });
    }
  }
}

/**
 * The JVM options of an Arc batch job on local Spark. They never carry a
 * secret: Arc logs the whole Spark configuration, and the command line is
 * visible to every user of the machine.
 */
export function arcJavaOptions(
  runtime: ArcRuntime,
  options: { credentialsInEnvironment: boolean }
): string[] {
  const properties: Record<string, string> = {
    'spark.master': runtime.master,
    'spark.sql.extensions': 'io.delta.sql.DeltaSparkSessionExtension',
    'spark.sql.catalog.spark_catalog':
      'org.apache.spark.sql.delta.catalog.DeltaCatalog',
    'spark.sql.warehouse.dir': runtime.warehouseDir,
    'spark.ui.enabled': 'false',
    'spark.driver.bindAddress': SPARK_BIND_ADDRESS,
    'spark.driver.host': SPARK_BIND_ADDRESS
  };
  if (options.credentialsInEnvironment) {
    properties['spark.hadoop.fs.s3a.aws.credentials.provider'] =
      ENV_CREDENTIALS_PROVIDER;
  }
  if (runtime.s3Endpoint !== null) {
    properties['spark.hadoop.fs.s3a.endpoint'] = runtime.s3Endpoint;
    properties['spark.hadoop.fs.s3a.endpoint.region'] = runtime.region;
    properties['spark.hadoop.fs.s3a.path.style.access'] = 'true';
    properties['spark.hadoop.fs.s3a.connection.ssl.enabled'] = String(
      runtime.s3Endpoint.startsWith('https:')
    );
  }
  return [
    `-Xmx${runtime.memory}`,
    ...JAVA17_OPTIONS,
    ...Object.entries(properties).map(([key, value]) => `-D${key}=${value}`),
    '-cp',
    runtime.classpath
  ];
}

/** The `java … ai.tripl.arc.ARC …` command of a run. */
export function arcCommand(
  runtime: ArcRuntime,
  request: RunRequest,
  options: { credentialsInEnvironment: boolean }
): JavaCommand {
  return {
    command: runtime.java,
    args: arcJavaOptions(runtime, options),
    fileArgs: [
      ARC_MAIN_CLASS,
      `--etl.config.uri=${pathToFileURL(request.notebookFile).href}`,
      `--etl.config.environment=${request.environment}`,
      `--etl.config.job.id=${request.jobId}`,
      ...Object.entries(request.vars).map(
        ([name, value]) => `--${name}=${value}`
      )
    ]
  };
}

/**
 * The text of a `java @file` argument file: each argument double-quoted,
 * with the launcher's escapes for backslash and quote (checkVars already
 * refused line breaks).
 */
export function argumentFileText(args: readonly string[]): string {
  return args
    .map(arg => `"${arg.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"\n`)
    .join('');
}
