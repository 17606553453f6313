import type { RunEvent, RunStage, RunSummary } from 'arcade-engine';

/** `1.2 s`, `850 ms`, `2 min 5 s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) {
    return `${Math.round(ms)} ms`;
  }
  if (ms < 60_000) {
    return `${(ms / 1000).toFixed(1)} s`;
  }
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

function stageLabel(stage: RunStage): string {
  const cell = stage.cellIndex === null ? '' : `, cell ${stage.cellIndex + 1}`;
  return `stage ${stage.index + 1} "${stage.name}" (${stage.type}${cell})`;
}

/** One progress line of `arcade run` for an event. */
export function formatEvent(event: RunEvent): string {
  switch (event.type) {
    case 'stage-started':
      return `${stageLabel(event.stage)} started`;
    case 'stage-finished': {
      const details = [formatDuration(event.durationMs)];
      if (event.records !== null) {
        details.push(
          `${event.records} ${event.records === 1 ? 'record' : 'records'}`
        );
      }
      return `${stageLabel(event.stage)} finished in ${details.join(', ')}`;
    }
    case 'stage-failed': {
      const where = event.stage === null ? 'run' : stageLabel(event.stage);
      return [
        `${where} FAILED`,
        ...event.reasons.map(r => `  ${r.trimEnd()}`)
      ].join('\n');
    }
    case 'job-finished': {
      const line = `run ${event.status} in ${formatDuration(event.durationMs)} (exit code ${event.exitCode ?? 'none'})`;
      return [line, ...event.outputTail.map(l => `  | ${l}`)].join('\n');
    }
  }
}

/** The final stderr line of a run that did not succeed. */
export function failureLine(summary: RunSummary, events: RunEvent[]): string {
  if (summary.status === 'cancelled') {
    return `run of ${summary.notebook} cancelled`;
  }
  const failed = events.find(event => event.type === 'stage-failed');
  if (failed?.type === 'stage-failed' && failed.stage !== null) {
    return `run of ${summary.notebook} failed at ${stageLabel(failed.stage)}: ${failed.reasons[0]?.split('\n')[0] ?? ''}`.trimEnd();
  }
  return `run of ${summary.notebook} failed (exit code ${summary.exitCode ?? 'none'})`;
}
