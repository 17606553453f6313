/**
 * A Delta table's history, read from its `_delta_log/` commit files (JSON
 * lines; the `commitInfo` action says what the commit did). Checkpoints are
 * not needed for history: every commit keeps its JSON file until log
 * retention removes it, and then it is simply not listed.
 */
import type { DeltaCommit, TableHistory } from 'arcade-engine';
import { isRecord } from 'arcade-engine';
import type { Lake } from './lake';

const COMMIT_FILE = /^(\d{20})\.json$/;

function strings(value: unknown): Record<string, string> {
  if (!isRecord(value)) {
    return {};
  }
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [
      key,
      typeof item === 'string' ? item : JSON.stringify(item)
    ])
  );
}

/** One commit from its file's text; a commit without commitInfo is "UNKNOWN". */
export function parseCommit(version: number, text: string): DeltaCommit {
  for (const line of text.split('\n')) {
    if (line.trim() === '') {
      continue;
    }
    let action: unknown;
    try {
      action = JSON.parse(line);
    } catch {
      continue;
    }
    if (isRecord(action) && isRecord(action.commitInfo)) {
      const info = action.commitInfo;
      const time = typeof info.timestamp === 'number' ? info.timestamp : null;
      return {
        version,
        timestamp: time === null ? null : new Date(time).toISOString(),
        operation:
          typeof info.operation === 'string' ? info.operation : 'UNKNOWN',
        parameters: strings(info.operationParameters),
        metrics: strings(info.operationMetrics),
        engine:
          typeof info.engineInfo === 'string'
            ? info.engineInfo
            : typeof info.clientVersion === 'string'
              ? info.clientVersion
              : null
      };
    }
  }
  return {
    version,
    timestamp: null,
    operation: 'UNKNOWN',
    parameters: {},
    metrics: {},
    engine: null
  };
}

/** The newest `limit` commits of the table at `location`, newest first. */
export async function deltaHistory(
  lake: Lake,
  location: string,
  limit = 50
): Promise<TableHistory> {
  const log = `${location.replace(/\/+$/, '')}/_delta_log`;
  const versions = (await lake.list(log))
    .map(name => COMMIT_FILE.exec(name)?.[1])
    .filter((v): v is string => v !== undefined)
    .map(Number)
    .sort((a, b) => b - a);
  const newest = versions.slice(0, limit);
  const commits: DeltaCommit[] = [];
  for (let i = 0; i < newest.length; i += 8) {
    const batch = newest.slice(i, i + 8);
    commits.push(
      ...(await Promise.all(
        batch.map(async version =>
          parseCommit(
            version,
            await lake.read(`${log}/${String(version).padStart(20, '0')}.json`)
          )
        )
      ))
    );
  }
  return { location, commits, truncated: versions.length > limit };
}
