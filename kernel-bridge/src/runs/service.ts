import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { readFile } from 'node:fs/promises';
import {
  ArcadeError,
  type RunDetail,
  type RunEvent,
  type RunSummary
} from 'arcade-engine';
import type { Env, Settings } from '../config';
import { Scrubber, secretValues } from '../secret';
import { parseArcLogLine } from './arcLog';
import { writePrivateFile } from '../privateFile';
import { argumentFile, forgetChild, recordChild } from './children';
import { credentialsEnvironment, runEnvironment } from './environment';
import { readLines } from './lines';
import {
  arcCommand,
  argumentFileText,
  checkEnvironment,
  checkVars,
  type ArcRuntime
} from './runtime';
import { CellLocator, stageCells } from './stageCells';
import { RunTracker } from './tracker';

/** Lines of JVM output kept for a failure Arc could not report itself. */
const OUTPUT_TAIL_LINES = 30;
/** Longest line of the output tail a failed run shows. */
const OUTPUT_TAIL_LINE_LENGTH = 2000;
/** How long a cancelled JVM gets to stop Spark before it is killed. */
const CANCEL_GRACE_MS = 5000;

export interface StartRun {
  /** Absolute path of the notebook file. */
  notebookFile: string;
  /** How the run names the notebook: workspace-relative or as typed. */
  notebook: string;
  environment: string;
  vars: Record<string, string>;
}

/** Reads and checks a notebook before a run; the errors name the file. */
export async function readArcNotebook(file: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw new ArcadeError(
      code === 'ENOENT' ? 'not_found' : 'bad_request',
      code === 'ENOENT'
        ? `notebook not found: ${file}`
        : `cannot read notebook ${file}`,
      { cause }
    );
  }
  let notebook: unknown;
  try {
    notebook = JSON.parse(text);
  } catch (cause) {
    throw new ArcadeError(
      'bad_request',
      `${file} is not a notebook (not JSON)`,
      {
        cause
      }
    );
  }
  const kernel = (
    notebook as { metadata?: { kernelspec?: { name?: unknown } } }
  ).metadata?.kernelspec?.name;
  if (kernel !== 'arc') {
    throw new ArcadeError('bad_request', `${file} is not an Arc notebook`, {
      hint: 'its metadata.kernelspec.name must be "arc"'
    });
  }
  return notebook;
}

/** One batch run: the JVM, its events and its end. */
export class Run {
  readonly id: string;
  readonly notebook: string;
  readonly environment: string;
  readonly startedAt: Date;

  constructor(
    options: StartRun & { id: string; tracker: RunTracker; scrubber: Scrubber },
    private readonly now: () => Date
  ) {
    this.id = options.id;
    this.notebook = options.notebook;
    this.environment = options.environment;
    this.tracker = options.tracker;
    this.scrubber = options.scrubber;
    this.startedAt = now();
    this.done = new Promise(resolve => {
      this.resolveDone = resolve;
    });
  }

  /** Resolves with the summary once the JVM has exited. */
  readonly done: Promise<RunSummary>;

  summary(): RunSummary {
    return {
      id: this.id,
      notebook: this.notebook,
      environment: this.environment,
      status: this.tracker.status,
      startedAt: this.startedAt.toISOString(),
      finishedAt: this.finishedAt?.toISOString() ?? null,
      exitCode: this.tracker.exitCode,
      lastSeq: this.tracker.events.length
    };
  }

  detail(): RunDetail {
    return { ...this.summary(), events: [...this.tracker.events] };
  }

  eventsAfter(after: number): RunEvent[] {
    return this.tracker.eventsAfter(after);
  }

  /** Calls `listener` for each new event; returns the unsubscribe. */
  onEvent(listener: (event: RunEvent) => void): () => void {
    this.emitter.on('event', listener);
    return () => this.emitter.off('event', listener);
  }

  /** Stops the JVM and everything it started (its process group). */
  cancel(): void {
    if (this.tracker.status !== 'running' || this.cancelled) {
      return;
    }
    this.cancelled = true;
    this.stop();
  }

  /** Stops the run once it has run for `ms`, as a failure that says so. */
  limitDuration(ms: number): void {
    this.durationTimer = setTimeout(() => {
      if (this.tracker.status === 'running' && !this.cancelled) {
        this.timedOutAfterMs = ms;
        this.stop();
      }
    }, ms);
    this.durationTimer.unref();
  }

  private stop(): void {
    this.signal('SIGTERM');
    this.killTimer = setTimeout(() => {
      this.signal('SIGKILL');
    }, CANCEL_GRACE_MS);
  }

  /** Wires the process in; called once by the service. */
  attach(child: ChildProcess): void {
    this.child = child;
    const onLine = (raw: string, cut: boolean): void => {
      // Secrets go before anything is kept: a notebook can resolve ${AWS_SECRET_ACCESS_KEY} into its output.
      const line = this.scrubber.scrub(raw);
      this.tail.push(
        cut || line.length > OUTPUT_TAIL_LINE_LENGTH
          ? `${line.slice(0, OUTPUT_TAIL_LINE_LENGTH)} … (line cut)`
          : line
      );
      if (this.tail.length > OUTPUT_TAIL_LINES) {
        this.tail.shift();
      }
      const record = cut ? null : parseArcLogLine(line);
      if (record !== null) {
        this.publish(this.tracker.accept(record));
      }
    };
    const closed = [child.stdout, child.stderr].flatMap(stream =>
      stream === null ? [] : [readLines(stream, onLine)]
    );
    let spawnError: Error | null = null;
    child.once('error', error => {
      spawnError = error;
    });
    child.once('close', (code, signal) => {
      void Promise.all(closed).then(() => {
        clearTimeout(this.killTimer);
        clearTimeout(this.durationTimer);
        this.finishedAt = this.now();
        const tail =
          spawnError === null
            ? this.tail
            : [`could not start Java: ${spawnError.message}`];
        this.publish(
          this.tracker.processEnded({
            exitCode: code,
            signal,
            cancelled: this.cancelled,
            timedOutAfterMs: this.timedOutAfterMs,
            outputTail: tail,
            durationMs: this.finishedAt.getTime() - this.startedAt.getTime()
          })
        );
        this.emitter.removeAllListeners();
        this.resolveDone(this.summary());
      });
    });
  }

  private signal(name: NodeJS.Signals): void {
    const pid = this.child?.pid;
    if (pid === undefined) {
      return;
    }
    try {
      process.kill(-pid, name);
    } catch {
      // The group is already gone.
    }
  }

  private publish(events: RunEvent[]): void {
    for (const event of events) {
      this.emitter.emit('event', event);
    }
  }

  private readonly tracker: RunTracker;
  private readonly scrubber: Scrubber;
  private readonly emitter = new EventEmitter();
  private readonly tail: string[] = [];
  private child: ChildProcess | null = null;
  private cancelled = false;
  private finishedAt: Date | null = null;
  private killTimer: ReturnType<typeof setTimeout> | undefined = undefined;
  private durationTimer: ReturnType<typeof setTimeout> | undefined = undefined;
  private timedOutAfterMs: number | null = null;
  private resolveDone: (summary: RunSummary) => void = () => undefined;
}

export interface RunServiceOptions {
  runtime: () => ArcRuntime;
  settings: Pick<Settings, 'awsCredentialSource' | 'runs'>;
  /** The bridge's environment: the JVM gets its allowlisted part (ETL_CONF_* and the like). */
  env: Env;
  /** Finished runs kept in memory, newest first. */
  keep?: number;
  now?: () => Date;
}

/** Starts Arc batch runs and keeps the recent ones with their events. */
export class RunService {
  constructor(private readonly options: RunServiceOptions) {}

  async start(request: StartRun): Promise<Run> {
    checkEnvironment(request.environment);
    checkVars(request.vars);
    this.checkCapacity();
    // Counted from here: two requests at once must not both pass the check.
    this.starting++;
    try {
      return await this.launch(request);
    } finally {
      this.starting--;
    }
  }

  private checkCapacity(): void {
    const { maxConcurrent } = this.options.settings.runs;
    const running =
      this.runs.filter(run => run.summary().status === 'running').length +
      this.starting;
    if (running >= maxConcurrent) {
      throw new ArcadeError(
        'too_many_requests',
        `${running} ${running === 1 ? 'run is' : 'runs are'} already running, the most this bridge runs at once`,
        {
          hint: 'wait for one to finish or cancel one; ARCADE_MAX_RUNS sets the limit'
        }
      );
    }
  }

  private async launch(request: StartRun): Promise<Run> {
    const notebook = await readArcNotebook(request.notebookFile);
    const runtime = this.options.runtime();
    const credentials = await credentialsEnvironment(
      this.options.settings,
      this.options.env
    );
    const id = randomUUID();
    const command = arcCommand(
      runtime,
      { ...request, jobId: `arcade-${id}` },
      { credentialsInEnvironment: credentials !== null }
    );
    const argFile = argumentFile(runtime.workDir, id);
    await writePrivateFile(argFile, argumentFileText(command.fileArgs));
    const now = this.options.now ?? (() => new Date());
    const run = new Run(
      {
        ...request,
        id,
        tracker: new RunTracker(
          new CellLocator(stageCells(notebook), request.environment),
          now
        ),
        scrubber: new Scrubber([
          ...secretValues(this.options.env),
          ...Object.values(credentials ?? {})
        ])
      },
      now
    );
    const child = spawn(command.command, [...command.args, `@${argFile}`], {
      cwd: runtime.workDir,
      env: runEnvironment(this.options.env, credentials),
      // Its own process group, so cancel reaches Spark's children too.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe']
    });
    void run.done.then(() => forgetChild(runtime.workDir, id, child.pid));
    run.attach(child);
    run.limitDuration(this.options.settings.runs.maxDurationMs);
    this.runs.unshift(run);
    this.prune();
    if (child.pid !== undefined) {
      try {
        recordChild(runtime.workDir, id, child.pid);
      } catch (error) {
        // Unrecorded, it could outlive a crashed bridge; better not to run it.
        run.cancel();
        throw error;
      }
    }
    return run;
  }

  get(id: string): Run {
    const run = this.runs.find(candidate => candidate.id === id);
    if (run === undefined) {
      throw new ArcadeError('not_found', `no run ${id}`, {
        hint: 'the bridge keeps the most recent runs only, until it restarts'
      });
    }
    return run;
  }

  list(): RunSummary[] {
    return this.runs.map(run => run.summary());
  }

  /** Cancels every running run; for shutdown. */
  cancelAll(): Promise<RunSummary[]> {
    const running = this.runs.filter(run => run.summary().status === 'running');
    for (const run of running) {
      run.cancel();
    }
    return Promise.all(running.map(run => run.done));
  }

  private prune(): void {
    const keep = this.options.keep ?? 20;
    let finished = 0;
    this.runs = this.runs.filter(run => {
      if (run.summary().status === 'running') {
        return true;
      }
      finished++;
      return finished <= keep;
    });
  }

  private runs: Run[] = [];
  private starting = 0;
}
