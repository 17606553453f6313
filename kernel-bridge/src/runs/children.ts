import { mkdirSync, writeFileSync } from 'node:fs';
import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { isAlive, isOurProcess, stopProcess } from '../processes';

/**
 * The JVMs of runs. Each runs in its own process group (so a cancel reaches
 * what Spark starts) and so would outlive the bridge: this bridge kills them
 * when it crashes, and a record under `<workDir>/active/` lets the next
 * bridge reap those a killed one left behind.
 */

interface ChildRecord {
  pid: number;
  /** The bridge that started it; its runs are left alone while it lives. */
  owner: number;
}

/** Process groups this bridge started and that have not ended yet. */
const live = new Set<number>();

function activeDir(workDir: string): string {
  return path.join(workDir, 'active');
}

/** Where a run's argument file goes; its name marks the JVM's command line. */
export function argumentFile(workDir: string, id: string): string {
  return path.join(workDir, `arcade-${id}.args`);
}

/** Records a started JVM, so that it is killed if this bridge dies. */
export function recordChild(workDir: string, id: string, pid: number): void {
  live.add(pid);
  const record: ChildRecord = { pid, owner: process.pid };
  mkdirSync(activeDir(workDir), { recursive: true, mode: 0o700 });
  writeFileSync(
    path.join(activeDir(workDir), `${id}.json`),
    JSON.stringify(record),
    { flag: 'wx', mode: 0o600 }
  );
}

/** The JVM has ended: drop its record and argument file. */
export async function forgetChild(
  workDir: string,
  id: string,
  pid: number | undefined
): Promise<void> {
  if (pid !== undefined) {
    live.delete(pid);
  }
  await rm(path.join(activeDir(workDir), `${id}.json`), { force: true });
  await rm(argumentFile(workDir, id), { force: true });
}

/** Kills every JVM this bridge started, synchronously: for a bridge that is about to die. */
export function killChildrenNow(): void {
  for (const pid of live) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
  live.clear();
}

function parseRecord(text: string): ChildRecord | null {
  try {
    const value = JSON.parse(text) as Partial<ChildRecord>;
    return typeof value.pid === 'number' && typeof value.owner === 'number'
      ? { pid: value.pid, owner: value.owner }
      : null;
  } catch {
    return null;
  }
}

/**
 * Stops the JVMs that bridges no longer alive left running, and removes
 * their records and argument files. Returns how many it stopped.
 */
export async function reapOrphans(workDir: string): Promise<number> {
  let names: string[];
  try {
    names = await readdir(activeDir(workDir));
  } catch {
    return 0;
  }
  let stopped = 0;
  for (const name of names.filter(n => n.endsWith('.json'))) {
    const file = path.join(activeDir(workDir), name);
    const id = name.slice(0, -'.json'.length);
    // The argument file's path is on the JVM's command line: a pid that does not show it is not ours.
    const marker = argumentFile(workDir, id);
    const record = parseRecord(await readFile(file, 'utf8').catch(() => ''));
    if (
      record !== null &&
      record.owner !== process.pid &&
      isAlive(record.owner)
    ) {
      continue;
    }
    if (record !== null && (await isOurProcess(record.pid, marker))) {
      await stopProcess(record.pid, 2000);
      stopped++;
    }
    await rm(file, { force: true });
    await rm(marker, { force: true });
  }
  return stopped;
}

/**
 * A crash of the bridge (an exception or rejection nothing handled) kills
 * the JVMs it started before it exits, as Node would, with code 1.
 */
export function stopChildrenOnCrash(report: (error: unknown) => void): void {
  const crash = (error: unknown): void => {
    report(error);
    killChildrenNow();
    process.exit(1);
  };
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
}
