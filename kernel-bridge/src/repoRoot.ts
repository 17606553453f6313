import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const PACKAGE_NAME = 'arcade-kernel-bridge';

function isBridgePackage(dir: string): boolean {
  const file = path.join(dir, 'package.json');
  if (!existsSync(file)) {
    return false;
  }
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return (
      typeof parsed === 'object' &&
      parsed !== null &&
      (parsed as Record<string, unknown>).name === PACKAGE_NAME
    );
  } catch {
    return false;
  }
}

/**
 * The Arcade source checkout this code runs from (the parent of the
 * kernel-bridge package), or null when installed elsewhere, e.g. from the
 * wheel. Works from src/, lib/ and dist/ alike.
 */
export function findRepoRoot(fromDir: string = __dirname): string | null {
  let dir = path.resolve(fromDir);
  for (;;) {
    if (isBridgePackage(dir)) {
      return path.dirname(dir);
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      return null;
    }
    dir = parent;
  }
}
