/**
 * Differential test: the real Arc 3.7.0 (`ai.tripl.arc.ARC`, lintOnly) and
 * Arcade's compiler read the same notebooks; the stages Arc parsed (its
 * "lint" log lines) must equal Arcade's compile output field by field.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { compileNotebook } from '../../src/stages/compile';
import { NotebookError } from '../../src/stages/notebook';
import type { CompileResponse, JsonValue } from '../../src/stages/types';

const REPO = path.resolve(__dirname, '../../..');
const JARS = path.join(REPO, '.cache/arc/jars');
const PLUGINS = path.join(REPO, '.cache/arc/plugins');
const FIXTURES = path.resolve(__dirname, '../fixtures/notebooks/compile');
const SEED = path.resolve(REPO, '../shared/fixtures/seed-sample/job');
const ENVIRONMENT = 'dev';
const PARALLEL = 2;

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
const VARS: Record<string, string> = {
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

interface ArcEvent {
  event?: string;
  stage?: Record<string, JsonValue>;
  status?: string;
  reason?: JsonValue;
}

interface ArcResult {
  lint: Record<string, JsonValue>[];
  exit: ArcEvent | undefined;
  output: string;
}

function runArc(notebook: string): Promise<ArcResult> {
  const classpath = [path.join(JARS, '*')];
  if (existsSync(PLUGINS)) {
    classpath.push(path.join(PLUGINS, '*'));
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
    `--etl.config.environment=${ENVIRONMENT}`,
    '--etl.config.lintOnly=true',
    ...Object.entries(VARS).map(([key, value]) => `--${key}=${value}`)
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

async function runAll(notebooks: string[]): Promise<Map<string, ArcResult>> {
  const results = new Map<string, ArcResult>();
  const queue = [...notebooks];
  const worker = async (): Promise<void> => {
    for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
      results.set(next, await runArc(next));
    }
  };
  await Promise.all(Array.from({ length: PARALLEL }, worker));
  return results;
}

/**
 * Equality after parsing. Scalars compare through Typesafe Config's own
 * coercions (Arc reads "4" as the Int 4 and sqlParams values as strings).
 */
function sameValue(
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

function compile(notebook: string): CompileResponse | Error {
  try {
    return compileNotebook(readFileSync(notebook, 'utf8'), {
      file: notebook,
      vars: VARS,
      complete: true
    });
  } catch (error) {
    return error as Error;
  }
}

function stageErrors(
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

const fixtures = readdirSync(FIXTURES)
  .filter(name => name.endsWith('.ipynb'))
  .map(name => path.join(FIXTURES, name));
const seeds = existsSync(SEED)
  ? readdirSync(SEED)
      .filter(name => name.endsWith('.ipynb'))
      .map(name => path.join(SEED, name))
  : [];

describe('compile output equals what Arc 3.7.0 parses', () => {
  let results: Map<string, ArcResult>;

  beforeAll(async () => {
    if (!existsSync(path.join(JARS, 'arc_2.12-3.7.0.jar'))) {
      throw new Error(`Arc jars are missing in ${JARS}: run "make arc-jars"`);
    }
    results = await runAll([...fixtures, ...seeds]);
  }, 170_000);

  it('has the fixtures it needs', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(12);
    if (seeds.length === 0) {
      throw new Error(`the seed-sample notebooks are missing in ${SEED}`);
    }
  });

  it.each([...fixtures, ...seeds].map(f => [path.basename(f), f]))(
    '%s',
    (_name, notebook) => {
      const arc = results.get(notebook);
      if (arc === undefined) {
        throw new Error(`Arc did not run ${notebook}`);
      }
      const ours = compile(notebook);
      const status = arc.exit?.status;
      if (status === undefined) {
        throw new Error(
          `Arc printed no exit event:\n${arc.output.slice(-3000)}`
        );
      }
      if (status === 'success') {
        if (ours instanceof Error) {
          throw ours;
        }
        const active = ours.job.stages.filter(s => {
          const environments = s.environments;
          return (
            Array.isArray(environments) && environments.includes(ENVIRONMENT)
          );
        });
        expect(active.length).toBe(arc.lint.length);
        arc.lint.forEach((arcStage, index) => {
          const stage = active[index] ?? {};
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
              throw new Error(
                `stage ${index}: Arcade has "${key}", Arc does not`
              );
            }
          }
        });
        return;
      }
      const errors = stageErrors(arc.exit);
      if (errors.length > 0) {
        // Arc parsed the job and rejected stages (lint's business): the stages
        // it names must be the ones Arcade compiled at those positions.
        if (ours instanceof Error) {
          throw ours;
        }
        for (const error of errors) {
          expect(
            ours.job.stages[error.stageIndex]?.name ?? 'unnamed stage'
          ).toBe(error.stage);
        }
        return;
      }
      // Arc could not parse the job: Arcade must refuse it too, at the same
      // line of the generated document, and name the cell and line.
      const reason = JSON.stringify(arc.exit?.reason ?? null);
      const parseLine = /"String: (\d+):/.exec(reason)?.[1];
      if (parseLine === undefined) {
        throw new Error(
          `Arc failed for a reason other than parsing: ${reason}`
        );
      }
      if (!(ours instanceof NotebookError)) {
        throw new Error(
          `Arc could not parse the job (${reason}); Arcade compiled it`
        );
      }
      expect(ours.location.jobLine).toBe(Number(parseLine));
      expect(ours.message).toMatch(/cell \d+, line \d+/);
    }
  );
});
