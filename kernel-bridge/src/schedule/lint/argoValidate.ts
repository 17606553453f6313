/**
 * Runs Argo's own validation (tools/argo-validate, built from the pinned
 * argo-workflows module) over manifest files, offline. Generated text is
 * written to a private temporary folder first.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ArcadeError } from 'arcade-engine';
import type { LintInput } from './index';

export interface ArgoFinding {
  file: string;
  kind: string;
  name: string;
  message: string;
}

const TIMEOUT_MS = 60_000;

function run(validator: string, files: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      validator,
      files,
      { timeout: TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : (error as { code?: unknown }).code;
        if (code === 0 || code === 1) {
          resolve(stdout);
          return;
        }
        reject(
          new ArcadeError(
            'process_failed',
            `Argo's validator failed: ${(stderr || (error?.message ?? '')).trim().split('\n')[0] ?? ''}`,
            { hint: 'run "make argo-tools" to rebuild it' }
          )
        );
      }
    );
  });
}

/** Findings of Argo's validation, with `file` as the inputs name them. */
export async function runArgoValidate(
  validator: string,
  inputs: LintInput[]
): Promise<ArgoFinding[]> {
  let temp: string | null = null;
  try {
    const shown = new Map<string, string>();
    const files: string[] = [];
    for (const [i, input] of inputs.entries()) {
      let file = input.path;
      if (file === undefined) {
        temp ??= await mkdtemp(path.join(tmpdir(), 'arcade-lint-'));
        file = path.join(temp, `${i}.yaml`);
        await writeFile(file, input.text, { mode: 0o600 });
      }
      shown.set(file, input.file);
      files.push(file);
    }
    const stdout = await run(validator, files);
    let findings: ArgoFinding[];
    try {
      findings = JSON.parse(stdout) as ArgoFinding[];
    } catch {
      throw new ArcadeError(
        'process_failed',
        "Argo's validator answered something other than JSON",
        {
          hint: 'run "make argo-tools" to rebuild it'
        }
      );
    }
    // A file without any Argo kind is reported by Arcade's own kind check.
    return findings
      .filter(finding => finding.file !== '')
      .map(finding => ({
        ...finding,
        file: shown.get(finding.file) ?? finding.file
      }));
  } finally {
    if (temp !== null) {
      await rm(temp, { recursive: true, force: true });
    }
  }
}
