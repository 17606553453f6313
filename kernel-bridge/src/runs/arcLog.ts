/**
 * Arc's JSON log, one object per line, as Arc 3.7.0 writes it from
 * `ai.tripl.arc.ARC`: log4j puts a text prefix before the object, and
 * Spark's own log lines are interleaved on the same streams.
 */

/** What a stage's `stageDetail` map tells about it. */
export interface ArcStageDetail {
  name: string;
  type: string;
  /** `records`, set by extracts and persisted views. */
  records: number | null;
  /** `outputColumns`, set by transforms on exit. */
  outputColumns: number | null;
}

/** One configuration error, as `Error.pipelineErrorJSON` writes it. */
export interface ArcConfigError {
  /** Position of the stage among all stage cells, before environment filtering. */
  stageIndex: number | null;
  /** The stage's name (Arc writes the config path when it has no name). */
  stage: string;
  messages: string[];
}

/** Why Arc says the job failed. */
export type ArcFailure =
  /** A stage threw while executing; Arc logs its `stageDetail` with the messages. */
  | { kind: 'stage'; stage: ArcStageDetail; messages: string[] }
  /** Any other exception, with its chain of messages. */
  | { kind: 'exception'; messages: string[] }
  /** The notebook did not parse or validate; no stage ran. */
  | { kind: 'config'; errors: ArcConfigError[] };

export type ArcLogRecord =
  | { kind: 'stage-enter'; stage: ArcStageDetail }
  | { kind: 'stage-exit'; stage: ArcStageDetail; durationMs: number }
  | {
      kind: 'job-exit';
      status: 'success' | 'failure';
      durationMs: number;
      failure: ArcFailure | null;
    };

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function numberOrNull(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}

/** Messages of an exception chain; Arc writes null for exceptions without one. */
function messagesOf(value: unknown): string[] {
  if (!Array.isArray(value)) {
    return [];
  }
  const messages = value.filter(
    (item): item is string => typeof item === 'string' && item.trim() !== ''
  );
  // A wrapping exception's message usually repeats its cause's, with the
  // exception class in front: keep the cause's, which reads better.
  return messages.filter(
    (message, i) =>
      messages.indexOf(message) === i &&
      !messages.some(other => other !== message && message.includes(other))
  );
}

function stageDetail(value: Json): ArcStageDetail {
  return {
    name: stringOr(value.name, ''),
    type: stringOr(value.type, 'unknown'),
    records: numberOrNull(value.records) ?? numberOrNull(value.count),
    outputColumns: numberOrNull(value.outputColumns)
  };
}

function configError(value: unknown): ArcConfigError | null {
  if (!isObject(value)) {
    return null;
  }
  const details = Array.isArray(value.errors) ? value.errors : [value];
  const messages = details.filter(isObject).map(detail => {
    const message = stringOr(detail.message, 'invalid');
    const attribute = stringOr(detail.attribute, '');
    const line = numberOrNull(detail.lineNumber);
    const where = line === null ? attribute : `${attribute} (line ${line})`;
    return where === '' ? message : `${where}: ${message}`;
  });
  return {
    stageIndex: numberOrNull(value.stageIndex),
    stage: stringOr(value.stage, ''),
    messages
  };
}

function failureOf(record: Json): ArcFailure | null {
  if (isObject(record.stage)) {
    return {
      kind: 'stage',
      stage: stageDetail(record.stage),
      messages: messagesOf(record.stage.messages)
    };
  }
  if (Array.isArray(record.reason)) {
    const errors = record.reason
      .map(configError)
      .filter((error): error is ArcConfigError => error !== null);
    return { kind: 'config', errors };
  }
  if (isObject(record.reason)) {
    return { kind: 'exception', messages: messagesOf(record.reason.messages) };
  }
  return null;
}

/** The JSON object on a log line, if the line carries one. */
function jsonObjectOf(line: string): Json | null {
  const start = line.indexOf('{"');
  if (start < 0) {
    return null;
  }
  try {
    const parsed: unknown = JSON.parse(line.slice(start));
    return isObject(parsed) ? parsed : null;
  } catch {
    return null;
  }
}

/**
 * The Arc event on one line of the JVM's output, or null for anything else
 * (Spark's log, Arc's other events such as `validateConfig`).
 */
export function parseArcLogLine(line: string): ArcLogRecord | null {
  const record = jsonObjectOf(line);
  if (record === null) {
    return null;
  }
  const duration = numberOrNull(record.duration) ?? 0;
  if (record.event === 'enter' && isObject(record.stage)) {
    return { kind: 'stage-enter', stage: stageDetail(record.stage) };
  }
  if (record.event !== 'exit') {
    return null;
  }
  if (record.status === 'success' || record.status === 'failure') {
    return {
      kind: 'job-exit',
      status: record.status,
      durationMs: duration,
      failure: record.status === 'failure' ? failureOf(record) : null
    };
  }
  if (isObject(record.stage)) {
    return {
      kind: 'stage-exit',
      stage: stageDetail(record.stage),
      durationMs: duration
    };
  }
  return null;
}
