import { execFile, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:net';
import path from 'node:path';
import type { CompileResponse, JsonValue } from 'arcade-engine';

/** The built CLI, as users run it. */
export const BIN = path.resolve(__dirname, '..', '..', 'bin', 'arcade');

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `bin/arcade …` to completion. */
export function arcade(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}
): Promise<RunResult> {
  return run(BIN, args, options);
}

export function run(
  command: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}
): Promise<RunResult> {
  return new Promise(resolve => {
    execFile(
      command,
      args,
      {
        env: options.env ?? process.env,
        cwd: options.cwd,
        timeout: options.timeoutMs ?? 120000,
        maxBuffer: 16 * 1024 * 1024
      },
      (error, stdout, stderr) => {
        const code =
          error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        resolve({ code, stdout, stderr });
      }
    );
  });
}

/** A TCP port nobody listens on right now (nor on the port after it). */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((resolve, reject) => {
      const server = createServer();
      server.once('error', reject);
      server.listen({ host: '127.0.0.1', port: 0 }, () => {
        const address = server.address();
        server.close(() => {
          resolve(
            typeof address === 'object' && address !== null ? address.port : 0
          );
        });
      });
    });
    if (port > 0 && port < 65535 && (await isFree(port + 1))) {
      return port;
    }
  }
}

export function isFree(port: number): Promise<boolean> {
  return new Promise(resolve => {
    const server = createServer();
    server.once('error', () => {
      resolve(false);
    });
    server.listen({ host: '127.0.0.1', port }, () => {
      server.close(() => {
        resolve(true);
      });
    });
  });
}

/** Live (non-zombie) processes whose command line contains `marker`. */
export function processesMatching(marker: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) {
      continue;
    }
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    if (cmdline !== '' && cmdline.split('\0').join(' ').includes(marker)) {
      pids.push(Number(entry));
    }
  }
  return pids;
}

/** Free ports for the dev stack; MinIO's console takes the S3 port + 1. */
export async function freeStackPorts(): Promise<{
  s3Port: number;
  gitPort: number;
  argoPort: number;
  athenaPort: number;
}> {
  const s3Port = await freePort();
  let gitPort = await freePort();
  while (gitPort === s3Port || gitPort === s3Port + 1) {
    gitPort = await freePort();
  }
  let argoPort = await freePort();
  while ([s3Port, s3Port + 1, gitPort].includes(argoPort)) {
    argoPort = await freePort();
  }
  let athenaPort = await freePort();
  while ([s3Port, s3Port + 1, gitPort, argoPort].includes(athenaPort)) {
    athenaPort = await freePort();
  }
  return { s3Port, gitPort, argoPort, athenaPort };
}

/** `arcade dev up` on the given state folder and ports. */
export function devUp(
  state: string,
  ports: {
    s3Port: number;
    gitPort: number;
    argoPort?: number;
    athenaPort?: number;
  },
  env: NodeJS.ProcessEnv
): Promise<RunResult> {
  return arcade(
    [
      'dev',
      'up',
      '--state',
      state,
      '--s3-port',
      String(ports.s3Port),
      '--git-port',
      String(ports.gitPort),
      ...(ports.argoPort === undefined
        ? []
        : ['--argo-port', String(ports.argoPort)]),
      ...(ports.athenaPort === undefined
        ? []
        : ['--athena-port', String(ports.athenaPort)])
    ],
    { env }
  );
}

// ---------------------------------------------------------- Arc 3.7.0 lintOnly

export const REPO = path.resolve(__dirname, '../../..');
export const ARC_JARS = path.join(REPO, '.cache/arc/jars');
const ARC_PLUGINS = path.join(REPO, '.cache/arc/plugins');
/** The environment Arc runs the notebooks in. */
export const ARC_ENVIRONMENT = 'dev';
const ARC_PARALLEL = 2;

/** Java 17 module flags Spark needs. */
const JVM_FLAGS = [
  'java.base/java.lang',
  'java.base/java.lang.invoke',
  'java.base/java.lang.reflect',
  'java.base/java.io',
  'java.base/java.net',
  'java.base/java.nio',
  'java.base/java.util',
  'java.base/java.util.concurrent',
  'java.base/java.util.concurrent.atomic',
  'java.base/sun.nio.ch',
  'java.base/sun.nio.cs',
  'java.base/sun.security.action',
  'java.base/sun.util.calendar'
].map(module => `--add-opens=${module}=ALL-UNNAMED`);

/** The values every notebook gets, as `--KEY=value` for Arc and `vars` for Arcade. */
export const ARC_VARS: Readonly<Record<string, string>> = {
  LAKE: 'lake-bucket',
  RUN_DATE: '2024-01-31',
  ETL_CONF_DATALAKE_LOC: 's3a://lake-bucket/datalake',
  ETL_CONF_CURRENT_TIMESTAMP: '2024-01-31 00:00:00',
  AWS_DEFAULT_REGION: 'us-east-1'
};

/** Fields Arc adds with its defaults when a stage does not set them. */
const ARC_DEFAULTS: Record<string, JsonValue> = {
  partitionBy: [],
  persist: false,
  sqlParams: {},
  description: ''
};

export interface ArcEvent {
  event?: string;
  stage?: Record<string, JsonValue>;
  status?: string;
  reason?: JsonValue;
}

export interface ArcResult {
  /** The stages Arc parsed, as its "lint" log lines print them. */
  lint: Record<string, JsonValue>[];
  exit: ArcEvent | undefined;
  output: string;
}

/** Throws when the Arc jars have not been fetched. */
export function requireArcJars(): void {
  if (!existsSync(path.join(ARC_JARS, 'arc_2.12-3.7.0.jar'))) {
    throw new Error(`Arc jars are missing in ${ARC_JARS}: run "make arc-jars"`);
  }
}

/** Runs `ai.tripl.arc.ARC` with lintOnly on one notebook. */
export function runArc(
  notebook: string,
  vars: Readonly<Record<string, string>> = ARC_VARS
): Promise<ArcResult> {
  const classpath = [path.join(ARC_JARS, '*')];
  if (existsSync(ARC_PLUGINS)) {
    classpath.push(path.join(ARC_PLUGINS, '*'));
  }
  const args = [
    '-Xmx1g',
    '-XX:TieredStopAtLevel=1',
    '-XX:+UseSerialGC',
    ...JVM_FLAGS,
    '-Dspark.master=local[1]',
    '-Dspark.ui.enabled=false',
    '-cp',
    classpath.join(':'),
    'ai.tripl.arc.ARC',
    `--etl.config.uri=file://${notebook}`,
    `--etl.config.environment=${ARC_ENVIRONMENT}`,
    '--etl.config.lintOnly=true',
    ...Object.entries(vars).map(([key, value]) => `--${key}=${value}`)
  ];
  return new Promise((resolve, reject) => {
    const child = spawn('java', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', () => {
      const events: ArcEvent[] = [];
      for (const line of output.split('\n')) {
        const start = line.indexOf('{"event"');
        if (start !== -1) {
          try {
            events.push(JSON.parse(line.slice(start)) as ArcEvent);
          } catch {
            // Not one of Arc's JSON log lines.
          }
        }
      }
      resolve({
        lint: events.filter(e => e.event === 'lint').map(e => e.stage ?? {}),
        exit: events.find(e => e.event === 'exit'),
        output
      });
    });
  });
}

/** Runs Arc on each notebook, two JVMs at a time. */
export async function runArcAll(
  notebooks: string[],
  vars: Readonly<Record<string, string>> = ARC_VARS
): Promise<Map<string, ArcResult>> {
  const results = new Map<string, ArcResult>();
  const queue = [...notebooks];
  const worker = async (): Promise<void> => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      results.set(next, await runArc(next, vars));
    }
  };
  await Promise.all(Array.from({ length: ARC_PARALLEL }, worker));
  return results;
}

/**
 * Equality after parsing. Scalars compare through Typesafe Config's own
 * coercions (Arc reads "4" as the Int 4 and sqlParams values as strings).
 */
export function sameValue(
  arc: JsonValue | undefined,
  ours: JsonValue | undefined
): boolean {
  if (Array.isArray(arc) && Array.isArray(ours)) {
    return (
      arc.length === ours.length && arc.every((v, i) => sameValue(v, ours[i]))
    );
  }
  if (
    typeof arc === 'object' &&
    arc !== null &&
    typeof ours === 'object' &&
    ours !== null
  ) {
    if (Array.isArray(arc) || Array.isArray(ours)) {
      return false;
    }
    const keys = new Set([...Object.keys(arc), ...Object.keys(ours)]);
    return [...keys].every(k => sameValue(arc[k], ours[k]));
  }
  if (arc === ours) {
    return true;
  }
  const text = (v: JsonValue | undefined): string | null =>
    typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean'
      ? String(v)
      : null;
  return text(arc) !== null && text(arc) === text(ours);
}

/** The stages Arc names in a failed exit event. */
export function stageErrors(
  exit: ArcEvent | undefined
): { stageIndex: number; stage: string }[] {
  const reason = exit?.reason;
  return Array.isArray(reason)
    ? reason.flatMap(r =>
        typeof r === 'object' &&
        r !== null &&
        !Array.isArray(r) &&
        typeof r.stageIndex === 'number' &&
        typeof r.stage === 'string'
          ? [{ stageIndex: r.stageIndex, stage: r.stage }]
          : []
      )
    : [];
}

/** Arcade's stages that run in ARC_ENVIRONMENT, the ones Arc lints. */
export function activeStages(
  compiled: CompileResponse
): Record<string, JsonValue>[] {
  return compiled.job.stages.filter(s => {
    const environments = s.environments;
    return (
      Array.isArray(environments) && environments.includes(ARC_ENVIRONMENT)
    );
  });
}

type Stage = Record<string, JsonValue>;

const DELIMITERS: Record<string, string> = {
  Comma: ',',
  Pipe: '|',
  DefaultHive: '\u0001'
};
const QUOTES: Record<string, string> = { DoubleQuote: '"', SingleQuote: "'" };

/**
 * Arc's lint lines print each stage's own parsed form, not its config: some
 * stage types regroup, rename or add fields. This turns an Arcade stage of
 * those types into that form; a config Arc would print differently in a
 * way not listed here makes the comparison fail, as it should.
 */
export function printedByArc(stage: Stage): Stage {
  switch (stage.type) {
    case 'DelimitedExtract': {
      const { delimiter, quote, header, ...rest } = stage;
      const sep =
        DELIMITERS[typeof delimiter === 'string' ? delimiter : 'Comma'];
      const quoteChar =
        QUOTES[typeof quote === 'string' ? quote : 'DoubleQuote'];
      return {
        contiguousIndex: true,
        params: {},
        ...rest,
        options: {
          ...(sep === undefined ? { delimiter: delimiter ?? null } : { sep }),
          ...(quoteChar === undefined
            ? { quoteConfig: quote ?? null }
            : { quote: quoteChar }),
          header: JSON.stringify(header ?? false),
          inferSchema: 'false'
        }
      };
    }
    case 'DeltaLakeExtract': {
      const { inputURI, ...rest } = stage;
      return { params: {}, ...rest, input: inputURI ?? null };
    }
    case 'DeltaLakeLoad':
      return {
        params: {},
        generateSymlinkManifest: true,
        options: { overwriteSchema: 'true' },
        ...stage,
        saveMode:
          typeof stage.saveMode === 'string'
            ? stage.saveMode.toLowerCase()
            : 'overwrite'
      };
    case 'TypingTransform':
      return { failMode: 'permissive', ...stage };
    default:
      return stage;
  }
}

const SQL_FROM_URI = new Set([
  'SQLTransform',
  'SQLValidate',
  'LogExecute',
  'ConfigExecute'
]);

/** SQL stages given an `inputURI` print the SQL Arc read from it. */
function sqlFromFile(stage: Stage): Stage {
  const uri = stage.inputURI;
  if (
    stage.sql !== undefined ||
    typeof uri !== 'string' ||
    !uri.startsWith('file://') ||
    typeof stage.type !== 'string' ||
    !SQL_FROM_URI.has(stage.type)
  ) {
    return stage;
  }
  return { ...stage, sql: readFileSync(fileURLToPath(uri), 'utf8') };
}

/** Asserts that the stages Arc parsed equal Arcade's, field by field. */
export function expectSameStages(
  arc: ArcResult,
  compiled: CompileResponse
): void {
  const active = activeStages(compiled);
  expect(active.length).toBe(arc.lint.length);
  arc.lint.forEach((arcStage, index) => {
    const stage = printedByArc(sqlFromFile(active[index] ?? {}));
    for (const [key, value] of Object.entries(arcStage)) {
      if (key === 'plugin') {
        continue;
      }
      const expected = key in stage ? stage[key] : ARC_DEFAULTS[key];
      if (!sameValue(value, expected)) {
        throw new Error(
          `stage ${index} field "${key}": Arc has ${JSON.stringify(value)}, Arcade ${JSON.stringify(stage[key])}`
        );
      }
    }
    for (const key of Object.keys(stage)) {
      if (key !== 'environments' && !(key in arcStage)) {
        throw new Error(`stage ${index}: Arcade has "${key}", Arc does not`);
      }
    }
  });
}

/** A listening TCP socket of a process, from /proc (no `ss` or `lsof` needed). */
export interface ListeningSocket {
  address: string;
  port: number;
}

/** /proc/net/tcp{,6} write each 32-bit word of an address in host (little-endian) order. */
function procAddress(hex: string): string {
  const words = hex.match(/.{8}/g) ?? [];
  const bytes = words.flatMap(word =>
    (word.match(/../g) ?? []).reverse().map(byte => parseInt(byte, 16))
  );
  if (bytes.length === 4) {
    return bytes.join('.');
  }
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) {
    groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16));
  }
  return groups.join(':');
}

/** Every TCP socket `pid` listens on (state 0A in /proc/<pid>/net/tcp and tcp6). */
export function listeningSockets(pid: number): ListeningSocket[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const match = /^socket:\[(\d+)\]$/.exec(
        readlinkSync(`/proc/${pid}/fd/${fd}`)
      );
      if (match?.[1] !== undefined) {
        inodes.add(match[1]);
      }
    } catch {
      // The descriptor closed while we looked.
    }
  }
  const sockets: ListeningSocket[] = [];
  for (const table of ['tcp', 'tcp6']) {
    const lines = readFileSync(`/proc/${pid}/net/${table}`, 'utf8')
      .split('\n')
      .slice(1);
    for (const line of lines) {
      const fields = line.trim().split(/\s+/);
      const [local, , state] = fields.slice(1, 4);
      const inode = fields[9];
      if (
        local !== undefined &&
        state === '0A' &&
        inode !== undefined &&
        inodes.has(inode)
      ) {
        const [address, port] = local.split(':');
        sockets.push({
          address: procAddress(address ?? ''),
          port: parseInt(port ?? '0', 16)
        });
      }
    }
  }
  return sockets;
}

/** True for 127.0.0.0/8, ::1 and ::ffff:127.x.y.z. */
export function isLoopback(address: string): boolean {
  return (
    address.startsWith('127.') ||
    address === '0:0:0:0:0:0:0:1' ||
    /^0:0:0:0:0:ffff:7f[0-9a-f]{2}:/.test(address)
  );
}
