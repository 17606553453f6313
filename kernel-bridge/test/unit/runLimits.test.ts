import { spawn, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ArcadeError } from 'arcade-engine';
import { buildSync } from 'esbuild';
import {
  argumentFile,
  reapOrphans,
  recordChild
} from '../../src/runs/children';
import type { ArcRuntime } from '../../src/runs/runtime';
import { RunService } from '../../src/runs/service';

let tmp: string;

beforeEach(() => {
  tmp = mkdtempSync(path.join(tmpdir(), 'arcade-limits-'));
});

afterEach(() => {
  rmSync(tmp, { recursive: true, force: true });
});

/** Running, not a zombie waiting for its parent (kill(pid, 0) succeeds on those). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

async function until(check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) {
      throw new Error('timed out');
    }
    await new Promise(resolve => setTimeout(resolve, 50));
  }
}

/** A stand-in for `java` that runs until it is stopped. */
function fakeJava(): string {
  const file = path.join(tmp, 'java');
  writeFileSync(file, '#!/bin/sh\nexec sleep 60\n');
  chmodSync(file, 0o755);
  return file;
}

function notebook(): string {
  const file = path.join(tmp, 'nb.ipynb');
  writeFileSync(
    file,
    JSON.stringify({
      cells: [],
      metadata: { kernelspec: { name: 'arc' } },
      nbformat: 4,
      nbformat_minor: 5
    })
  );
  return file;
}

describe('run limits', () => {
  it('refuses a run over ARCADE_MAX_RUNS with too_many_requests (HTTP 429) and a way out', async () => {
    const workDir = path.join(tmp, 'work');
    const runtime: ArcRuntime = {
      java: fakeJava(),
      classpath: '',
      memory: '256m',
      master: 'local[1]',
      warehouseDir: path.join(tmp, 'warehouse'),
      workDir,
      s3Endpoint: null,
      region: 'us-east-1'
    };
    const service = new RunService({
      runtime: () => runtime,
      settings: {
        awsCredentialSource: 'none',
        runs: { maxConcurrent: 1, maxDurationMs: 60_000 }
      },
      env: { PATH: process.env.PATH }
    });
    const request = {
      notebookFile: notebook(),
      notebook: 'nb.ipynb',
      environment: 'dev',
      vars: {}
    };
    const first = await service.start(request);
    let refused: unknown = null;
    try {
      await service.start(request);
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(ArcadeError);
    expect(refused).toMatchObject({
      code: 'too_many_requests',
      httpStatus: 429
    });
    expect((refused as ArcadeError).message).toContain('already running');
    expect((refused as ArcadeError).hint).toContain('ARCADE_MAX_RUNS');
    first.cancel();
    await first.done;
    // Once the first has ended, a new run may start.
    const second = await service.start(request);
    second.cancel();
    await second.done;
  });
});

describe('JVMs never outlive the bridge', () => {
  it('reaps the JVMs a dead bridge left, and leaves those of a live one', async () => {
    const workDir = path.join(tmp, 'work');
    const started: ChildProcess[] = [];
    const launch = (id: string): number => {
      // The argument file's path on the command line is what marks it as a run of ours.
      const child = spawn(
        'sh',
        ['-c', 'sleep 60; true', argumentFile(workDir, id)],
        { detached: true, stdio: 'ignore' }
      );
      started.push(child);
      return child.pid ?? -1;
    };
    const orphan = launch('orphan');
    const mine = launch('mine');
    // A record from a bridge that died (its pid is no longer alive)…
    recordChild(workDir, 'orphan', orphan);
    const active = path.join(workDir, 'active');
    const deadOwner = spawn('true');
    await new Promise(resolve => deadOwner.once('exit', resolve));
    writeFileSync(
      path.join(active, 'orphan.json'),
      JSON.stringify({ pid: orphan, owner: deadOwner.pid })
    );
    // … and one of a bridge that is alive (this process's parent stands in).
    writeFileSync(
      path.join(active, 'mine.json'),
      JSON.stringify({ pid: mine, owner: process.ppid })
    );
    try {
      expect(await reapOrphans(workDir)).toBe(1);
      await until(() => !alive(orphan));
      expect(alive(mine)).toBe(true);
      expect(readdirSync(active)).toEqual(['mine.json']);
      expect(existsSync(argumentFile(workDir, 'orphan'))).toBe(false);
    } finally {
      for (const child of started) {
        child.kill('SIGKILL');
      }
    }
  });

  it('kills the JVMs it started when the bridge crashes', async () => {
    const workDir = path.join(tmp, 'work');
    const pidFile = path.join(tmp, 'jvm.pid');
    // The bridge's children module, bundled so that a plain Node process can load it.
    const bundle = path.join(tmp, 'children.cjs');
    buildSync({
      entryPoints: [path.resolve(__dirname, '../../src/runs/children.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      outfile: bundle,
      logLevel: 'error'
    });
    // A bridge process: records a child, then dies of an unhandled rejection.
    const bridge = spawn(
      process.execPath,
      [
        '-e',
        `
        const { spawn } = require('node:child_process');
        const { writeFileSync } = require('node:fs');
        const children = require(${JSON.stringify(bundle)});
        children.stopChildrenOnCrash(() => undefined);
        const jvm = spawn('sleep', ['60'], { detached: true, stdio: 'ignore' });
        children.recordChild(${JSON.stringify(workDir)}, 'crash', jvm.pid);
        writeFileSync(${JSON.stringify(pidFile)}, String(jvm.pid));
        setTimeout(() => Promise.reject(new Error('boom')), 200);
        setInterval(() => undefined, 1000);
        `
      ],
      { stdio: 'ignore' }
    );
    const code = await new Promise<number | null>(resolve =>
      bridge.once('exit', resolve)
    );
    expect(code).toBe(1);
    const jvm = Number(readFileSync(pidFile, 'utf8'));
    await until(() => !alive(jvm));
  });
});
