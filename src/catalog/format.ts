/** Pure text for the catalog views: sizes, costs, durations and a query's status line. */
import type { TranslationBundle } from '@jupyterlab/translation';
import type { QueryStatus } from 'arcade-engine';

export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit] ?? 'B'}`;
}

export function formatCost(usd: number): string {
  return usd === 0
    ? '$0'
    : usd < 0.01
      ? `$${usd.toFixed(5)}`
      : `$${usd.toFixed(2)}`;
}

export function formatElapsed(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/** "Running · 1.2 s" while it runs; state, time, rows, bytes and cost when it ended. */
export function statusLine(
  trans: TranslationBundle,
  status: QueryStatus | null,
  elapsedMs: number,
  rows: number,
  more: boolean
): string {
  if (status === null) {
    return trans.__('Starting · %1', formatElapsed(elapsedMs));
  }
  const s = status.statistics;
  switch (status.state) {
    case 'QUEUED':
    case 'RUNNING':
      return trans.__(
        '%1 · %2',
        status.state === 'QUEUED' ? trans.__('Queued') : trans.__('Running'),
        formatElapsed(elapsedMs)
      );
    case 'SUCCEEDED':
      return trans.__(
        'Succeeded · %1 · %2%3 rows · %4 scanned · est. %5%6',
        formatElapsed(s.totalMs > 0 ? s.totalMs : elapsedMs),
        rows,
        more ? '+' : '',
        formatBytes(s.dataScannedBytes),
        formatCost(s.costUsd),
        s.reusedResult ? trans.__(' · reused result') : ''
      );
    case 'CANCELLED':
      return trans.__('Cancelled · %1', formatElapsed(elapsedMs));
    case 'FAILED':
      return trans.__(
        'Failed · %1',
        status.reason ?? trans.__('no reason given')
      );
  }
}
