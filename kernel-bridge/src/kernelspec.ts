import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ArcKernelStatus } from 'arcade-engine';

export const ARC_KERNEL_NAME = 'arc';

function displayNameOf(json: unknown): string | null {
  if (typeof json !== 'object' || json === null) {
    return null;
  }
  const value = (json as Record<string, unknown>).display_name;
  return typeof value === 'string' ? value : null;
}

/**
 * Looks for `<dir>/arc/kernel.json` in each kernelspec directory, first match
 * wins as in Jupyter. A kernel.json that is not valid JSON does not count.
 */
export async function findArcKernel(dirs: string[]): Promise<ArcKernelStatus> {
  for (const dir of dirs) {
    const file = path.join(dir, ARC_KERNEL_NAME, 'kernel.json');
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch {
      continue;
    }
    try {
      const parsed: unknown = JSON.parse(text);
      return {
        installed: true,
        name: ARC_KERNEL_NAME,
        displayName: displayNameOf(parsed) ?? ARC_KERNEL_NAME
      };
    } catch {
      continue;
    }
  }
  return { installed: false, name: ARC_KERNEL_NAME, displayName: null };
}

/**
 * The Arc runtime classpath the installed `arc` kernelspec records in
 * `metadata.arcade.arcClasspath`, so batch runs use the kernel's own jars.
 * A relocatable kernelspec (the notebook image's) writes its paths from
 * `{resource_dir}`, the kernelspec's folder, as Jupyter fills it in argv.
 */
export function arcClasspathFromKernelspec(dirs: string[]): string | null {
  for (const dir of dirs) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(
        readFileSync(path.join(dir, ARC_KERNEL_NAME, 'kernel.json'), 'utf8')
      );
    } catch {
      continue;
    }
    const metadata = (parsed as { metadata?: { arcade?: unknown } } | null)
      ?.metadata?.arcade;
    const classpath =
      typeof metadata === 'object' && metadata !== null
        ? (metadata as Record<string, unknown>).arcClasspath
        : undefined;
    return typeof classpath === 'string' && classpath !== ''
      ? classpath.replaceAll('{resource_dir}', path.join(dir, ARC_KERNEL_NAME))
      : null;
  }
  return null;
}
