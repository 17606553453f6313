import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import path from 'node:path';

/**
 * Writes `text` to `file` readable by the user only. The content goes to a
 * new file created 0600 (`wx`: never an existing file or a symlink) beside
 * the target and is renamed over it, so it is never readable by others, not
 * even for a moment, and a failed write leaves the old file as it was. A
 * target that was readable by others is replaced, not written into.
 */
export async function writePrivateFile(
  file: string,
  text: string
): Promise<void> {
  const dir = path.dirname(file);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const temp = path.join(
    dir,
    `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`
  );
  const handle = await open(temp, 'wx', 0o600);
  try {
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, file);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}
