/**
 * A reader of git's index file (`.git/index`, versions 2 to 4): the staged
 * path, blob id, file mode, stat data and merge stage of every entry.
 * isomorphic-git reads it too but does not export its reader, and its
 * statusMatrix walks every tree entry through a generic walker, which is
 * what makes status slow on large repositories.
 */

export interface IndexEntry {
  path: string;
  oid: string;
  mode: number;
  size: number;
  mtimeSeconds: number;
  mtimeNanoseconds: number;
  ctimeSeconds: number;
  ino: number;
  /** 0 normally; 1-3 for the sides of an unmerged path. */
  stage: number;
  /** Marked skip-worktree (sparse checkout): not compared with the working tree. */
  skipWorktree: boolean;
}

export class IndexFormatError extends Error {}

const HEADER = 12;
const FIXED = 62;

/** Git's offset varint of index v4: each continuation adds one before shifting. */
function readVarint(buf: Buffer, offset: number): [number, number] {
  let byte = buf[offset] ?? 0;
  let value = byte & 0x7f;
  let at = offset + 1;
  while (byte & 0x80) {
    byte = buf[at] ?? 0;
    at += 1;
    value = ((value + 1) << 7) | (byte & 0x7f);
  }
  return [value, at];
}

export function parseIndex(buf: Buffer): IndexEntry[] {
  if (buf.length < HEADER || buf.toString('latin1', 0, 4) !== 'DIRC') {
    throw new IndexFormatError('not a git index file');
  }
  const version = buf.readUInt32BE(4);
  if (version < 2 || version > 4) {
    throw new IndexFormatError(`unsupported index version ${version}`);
  }
  const count = buf.readUInt32BE(8);
  const entries: IndexEntry[] = [];
  let offset = HEADER;
  let previous = '';
  for (let i = 0; i < count; i++) {
    const start = offset;
    if (offset + FIXED > buf.length) {
      throw new IndexFormatError('index file is truncated');
    }
    const flags = buf.readUInt16BE(offset + 60);
    const extended = (flags & 0x4000) !== 0 && version >= 3;
    const extraFlags = extended ? buf.readUInt16BE(offset + 62) : 0;
    offset += FIXED + (extended ? 2 : 0);
    let path: string;
    if (version === 4) {
      const [strip, after] = readVarint(buf, offset);
      const end = buf.indexOf(0, after);
      path =
        previous.slice(0, previous.length - strip) +
        buf.toString('utf8', after, end);
      offset = end + 1;
    } else {
      const end = buf.indexOf(0, offset);
      path = buf.toString('utf8', offset, end);
      // Entries are padded with 1 to 8 NULs to a multiple of 8 bytes.
      offset = start + Math.ceil((end - start + 1) / 8) * 8;
    }
    previous = path;
    entries.push({
      path,
      ctimeSeconds: buf.readUInt32BE(start),
      mtimeSeconds: buf.readUInt32BE(start + 8),
      mtimeNanoseconds: buf.readUInt32BE(start + 12),
      ino: buf.readUInt32BE(start + 20),
      mode: buf.readUInt32BE(start + 24),
      size: buf.readUInt32BE(start + 36),
      oid: buf.toString('hex', start + 40, start + 60),
      stage: (flags >> 12) & 0x3,
      skipWorktree: (extraFlags & 0x4000) !== 0
    });
  }
  return entries;
}
