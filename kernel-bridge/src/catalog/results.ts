/**
 * Pure pieces of the Athena client: typed values from `ColumnInfo`, the header
 * row of a SELECT's first page, statistics with a cost estimate, the adaptive
 * polling schedule, and the classification of Athena's errors.
 */
import type {
  QueryErrorKind,
  QueryStatistics,
  ResultColumn,
  ResultValue
} from 'arcade-engine';

const INTEGERS = new Set(['tinyint', 'smallint', 'integer', 'int', 'bigint']);
const FLOATS = new Set(['double', 'float', 'real']);

/** One `VarCharValue` as its column's type: numbers and booleans typed, big integers kept exact as text. */
export function typedValue(
  text: string | undefined,
  type: string
): ResultValue {
  if (text === undefined) {
    return null;
  }
  const base = type.toLowerCase();
  if (INTEGERS.has(base)) {
    const n = Number(text);
    return Number.isSafeInteger(n) ? n : text;
  }
  if (FLOATS.has(base)) {
    const n = Number(text);
    return Number.isFinite(n) ? n : text;
  }
  if (base === 'boolean') {
    return text === 'true' ? true : text === 'false' ? false : text;
  }
  return text;
}

/**
 * True when the first row of a SELECT's first page is the header Athena puts
 * there: a DML statement, no NextToken sent, and the row repeats the column names.
 */
export function startsWithHeader(
  statementType: string | null,
  firstPage: boolean,
  firstRow: (string | undefined)[] | undefined,
  columns: ResultColumn[]
): boolean {
  if (statementType !== 'DML' || !firstPage || firstRow === undefined) {
    return false;
  }
  return (
    firstRow.length === columns.length &&
    firstRow.every((value, i) => value === columns[i]?.name)
  );
}

const TB = 1024 ** 4;
const MINIMUM_BYTES = 10 * 1024 ** 2;

/** Athena bills bytes scanned, rounded up to 10 MB per query; DDL and reused results are free. */
export function estimateCost(
  bytesScanned: number,
  pricePerTb: number,
  billable: boolean
): number {
  if (!billable) {
    return 0;
  }
  return (Math.max(bytesScanned, MINIMUM_BYTES) / TB) * pricePerTb;
}

export function statistics(
  raw:
    | {
        DataScannedInBytes?: number;
        EngineExecutionTimeInMillis?: number;
        QueryQueueTimeInMillis?: number;
        TotalExecutionTimeInMillis?: number;
        ResultReuseInformation?: { ReusedPreviousResult?: boolean };
      }
    | undefined,
  statementType: string | null,
  pricePerTb: number
): QueryStatistics {
  const bytes = raw?.DataScannedInBytes ?? 0;
  const reused = raw?.ResultReuseInformation?.ReusedPreviousResult === true;
  return {
    dataScannedBytes: bytes,
    engineMs: raw?.EngineExecutionTimeInMillis ?? 0,
    queueMs: raw?.QueryQueueTimeInMillis ?? 0,
    totalMs: raw?.TotalExecutionTimeInMillis ?? 0,
    reusedResult: reused,
    costUsd: estimateCost(
      bytes,
      pricePerTb,
      statementType === 'DML' && !reused && bytes > 0
    )
  };
}

/**
 * How long to wait before checking a running query again: quick checks first
 * (short queries end in well under a second), then every 100 ms for the
 * first six seconds or so, then backing off to a check a second; after
 * throttling, a longer randomised wait.
 */
export function pollDelay(
  attempt: number,
  throttled: number,
  random: () => number = Math.random
): number {
  if (throttled > 0) {
    const base = Math.min(500 * 2 ** (throttled - 1), 8000);
    return Math.round(base / 2 + random() * (base / 2));
  }
  const first = [25, 25, 50, 50];
  if (attempt < first.length) {
    return first[attempt] ?? 200;
  }
  return attempt < 60 ? 100 : attempt < 90 ? 300 : 1000;
}

/** Athena's exception names and failure reasons, classified. */
export function classifyAthena(name: string, message: string): QueryErrorKind {
  if (
    /AccessDenied|UnrecognizedClient|InvalidSignature|ExpiredToken|Forbidden|not authorized/i.test(
      name + ' ' + message
    )
  ) {
    return 'access-denied';
  }
  if (
    /TooManyRequests|Throttl|Rate exceeded|SlowDown/i.test(name + ' ' + message)
  ) {
    return 'throttled';
  }
  if (/cancel/i.test(message) && !/Exception/.test(name)) {
    return 'cancelled';
  }
  if (
    /ResourceNotFound|EntityNotFound|TABLE_NOT_FOUND|SCHEMA_NOT_FOUND|does not exist|not found/i.test(
      name + ' ' + message
    )
  ) {
    return 'not-found';
  }
  if (
    /SYNTAX_ERROR|mismatched input|extraneous input|Parser Error|line \d+:\d+|COLUMN_NOT_FOUND|cannot be resolved|Binder Error/i.test(
      message
    )
  ) {
    return 'syntax';
  }
  return 'failed';
}
