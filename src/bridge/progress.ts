import type { TranslationBundle } from '@jupyterlab/translation';
import type { TaskProgress } from 'arcade-engine';

/** "1.5 KB", "5.0 MB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) {
    return `${bytes} B`;
  }
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit] ?? 'GB'}`;
}

/** "Uploading: 3 of 10 files, 1.2 MB of 5.0 MB". */
export function describeProgress(
  progress: TaskProgress,
  trans: TranslationBundle
): string {
  const parts: string[] = [progress.phase];
  if (progress.total !== null && progress.total > 0) {
    parts.push(
      trans.__('%1 of %2 %3', progress.done, progress.total, progress.unit)
    );
  }
  if (progress.bytes !== undefined && progress.totalBytes) {
    parts.push(
      trans.__(
        '%1 of %2',
        formatBytes(progress.bytes),
        formatBytes(progress.totalBytes)
      )
    );
  }
  return parts.join(' · ');
}
