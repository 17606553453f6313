import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';

/**
 * Longest line of JVM output read: Arc's JSON records stay well under it,
 * and a process that writes without line breaks cannot make the bridge
 * buffer without bound.
 */
export const MAX_LINE_LENGTH = 256 * 1024;

/**
 * Calls `onLine` for each line `stream` carries, each cut to `maxLength`
 * characters (the rest of a longer line is dropped as it arrives);
 * resolves when the stream ends.
 */
export function readLines(
  stream: Readable,
  onLine: (line: string, cut: boolean) => void,
  maxLength = MAX_LINE_LENGTH
): Promise<void> {
  const decoder = new StringDecoder('utf8');
  let current = '';
  let cut = false;
  const add = (text: string): void => {
    const room = maxLength - current.length;
    if (text.length > room) {
      cut = true;
    }
    current += text.slice(0, Math.max(room, 0));
  };
  const emit = (): void => {
    onLine(current.endsWith('\r') ? current.slice(0, -1) : current, cut);
    current = '';
    cut = false;
  };
  return new Promise(resolve => {
    stream.on('data', (chunk: Buffer) => {
      const pieces = decoder.write(chunk).split('\n');
      pieces.forEach((piece, index) => {
        add(piece);
        if (index < pieces.length - 1) {
          emit();
        }
      });
    });
    stream.once('close', () => {
      add(decoder.end());
      if (current !== '' || cut) {
        emit();
      }
      resolve();
    });
  });
}
