import type { TranslationBundle } from '@jupyterlab/translation';
import type { IRunView, IStageRow } from './model';

/**
 * `850 ms`, `1.2 s`, `2 min 5 s`.
 */
export function formatDuration(ms: number, trans: TranslationBundle): string {
  if (ms < 1000) {
    return trans.__('%1 ms', Math.round(ms));
  }
  if (ms < 60_000) {
    return trans.__('%1 s', (ms / 1000).toFixed(1));
  }
  const seconds = Math.round(ms / 1000);
  return trans.__('%1 min %2 s', Math.floor(seconds / 60), seconds % 60);
}

export function formatRecords(
  records: number | null,
  trans: TranslationBundle
): string {
  return records === null ? '' : trans._n('%1 record', '%1 records', records);
}

export function stageStatusLabel(
  row: IStageRow,
  trans: TranslationBundle
): string {
  switch (row.status) {
    case 'running':
      return trans.__('running');
    case 'finished':
      return trans.__('finished');
    case 'failed':
      return trans.__('failed');
  }
}

/**
 * The one-line summary under the stage list.
 */
export function runSummary(view: IRunView, trans: TranslationBundle): string {
  const finished = view.stages.filter(row => row.status === 'finished').length;
  const duration =
    view.durationMs === null ? '' : formatDuration(view.durationMs, trans);
  switch (view.status) {
    case 'running':
      return trans._n(
        'Running… %1 stage finished',
        'Running… %1 stages finished',
        finished
      );
    case 'succeeded':
      return trans._n(
        'Succeeded: %1 stage in %2',
        'Succeeded: %1 stages in %2',
        finished,
        duration
      );
    case 'failed': {
      const failed = view.stages.find(row => row.status === 'failed');
      return failed === undefined
        ? trans.__(
            'Failed after %1 (exit code %2)',
            duration,
            view.exitCode ?? '—'
          )
        : trans.__(
            'Failed at stage %1 "%2" after %3',
            failed.stage.index + 1,
            failed.stage.name,
            duration
          );
    }
    case 'cancelled':
      return trans.__('Cancelled after %1', duration);
  }
}
