import { spawn } from 'node:child_process';
import type { JobFinishedEvent, RunEvent } from 'arcade-engine';
import { Scrubber } from '../../src/secret';
import { Run } from '../../src/runs/service';
import { CellLocator } from '../../src/runs/stageCells';
import { RunTracker } from '../../src/runs/tracker';

/** A Run around a real child process (Node standing in for the JVM). */
function runOf(script: string): Run {
  const run = new Run(
    {
      notebookFile: '/ws/nb.ipynb',
      notebook: 'nb.ipynb',
      environment: 'dev',
      vars: {},
      id: 'test',
      tracker: new RunTracker(new CellLocator([], 'dev')),
      scrubber: new Scrubber(['hubTOKENvalue'])
    },
    () => new Date()
  );
  run.attach(
    spawn(process.execPath, ['-e', script], {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe']
    })
  );
  return run;
}

function jobFinished(events: RunEvent[]): JobFinishedEvent {
  const last = events.at(-1);
  if (last?.type !== 'job-finished') {
    throw new Error(`no job-finished event: ${JSON.stringify(events)}`);
  }
  return last;
}

describe('a run process', () => {
  it('keeps output lines short, however long the line the process writes', async () => {
    const run = runOf(
      "process.stdout.write('x'.repeat(8 * 1024 * 1024)); process.stdout.write('\\nlast words hubTOKENvalue\\n'); process.exitCode = 3"
    );
    await run.done;
    const { outputTail, exitCode } = jobFinished(run.detail().events);
    expect(exitCode).toBe(3);
    expect(outputTail.map(line => line.length <= 2100)).toEqual([true, true]);
    expect(outputTail[0]).toMatch(/^x+ … \(line cut\)$/);
    expect(outputTail[1]).toBe('last words [redacted]');
  });

  it('stops a run that takes longer than the longest allowed, and says why', async () => {
    const run = runOf('setInterval(() => undefined, 1000)');
    run.limitDuration(300);
    const summary = await run.done;
    expect(summary.status).toBe('failed');
    expect(run.detail().events).toContainEqual(
      expect.objectContaining({
        type: 'stage-failed',
        reasons: [expect.stringMatching(/stopped after 300 ms, the longest/)]
      })
    );
  });
});
