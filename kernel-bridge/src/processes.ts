import { spawn } from 'node:child_process';
import { closeSync, fchmodSync, fstatSync, openSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { writePrivateFile } from './privateFile';

export async function readPid(file: string): Promise<number | null> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return null;
  }
  const pid = Number(text.trim());
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

export async function writePid(file: string, pid: number): Promise<void> {
  await writePrivateFile(file, `${pid}\n`);
}

export async function removeFile(file: string): Promise<void> {
  await rm(file, { force: true });
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * True when `pid` is alive and its command line contains `marker`, so a pid
 * file left behind never makes us signal an unrelated process that reused
 * the number. Where /proc is missing only liveness is checked.
 */
export async function isOurProcess(
  pid: number,
  marker: string
): Promise<boolean> {
  if (!isAlive(pid)) {
    return false;
  }
  let cmdline: string;
  try {
    cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return process.platform !== 'linux';
  }
  if (cmdline === '') {
    // A zombie waiting for its parent: gone for our purposes.
    return false;
  }
  return cmdline.split('\0').join(' ').includes(marker);
}

/**
 * Opens a log to append to, readable by the user only. The log is kept
 * across restarts, so one an older version left readable by others is
 * narrowed through the open descriptor before anything new is written.
 */
function openPrivateLog(logFile: string): number {
  const fd = openSync(logFile, 'a', 0o600);
  try {
    if ((fstatSync(fd).mode & 0o077) !== 0) {
      fchmodSync(fd, 0o600);
    }
    return fd;
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

/**
 * Starts a process that outlives us: its own session, no stdin, output
 * appended to `logFile`.
 */
export function spawnDetached(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  logFile: string
): Promise<number> {
  const log = openPrivateLog(logFile);
  try {
    const child = spawn(command, args, {
      detached: true,
      stdio: ['ignore', log, log],
      env
    });
    return new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('spawn', () => {
        child.unref();
        if (child.pid === undefined) {
          reject(new Error(`${command} did not start`));
          return;
        }
        resolve(child.pid);
      });
    });
  } finally {
    closeSync(log);
  }
}

/**
 * SIGTERM to the process group (the process and what it spawned), then
 * SIGKILL if it is still there after `graceMs`.
 */
export async function stopProcess(pid: number, graceMs = 10000): Promise<void> {
  const signal = (sig: NodeJS.Signals): void => {
    try {
      process.kill(-pid, sig);
    } catch {
      try {
        process.kill(pid, sig);
      } catch {
        // Already gone.
      }
    }
  };
  signal('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (!(await isOurProcess(pid, ''))) {
      return;
    }
    await sleep(100);
  }
  signal('SIGKILL');
  const killDeadline = Date.now() + 5000;
  while (Date.now() < killDeadline && (await isOurProcess(pid, ''))) {
    await sleep(50);
  }
}
