/**
 * DuckDB's result types and values as Athena sends them: `ColumnInfo.Type`
 * in Athena's (Trino's) names, values as `VarCharValue` strings in Athena's
 * text forms (`2026-01-02 03:04:05.678`, `[1, 2]`, `{a=1, b=x}`), NULL as an
 * empty datum.
 */
import {
  DuckDBBlobValue,
  DuckDBDateValue,
  DuckDBListValue,
  DuckDBArrayValue,
  DuckDBMapValue,
  DuckDBStructValue,
  DuckDBTimestampTZValue,
  DuckDBTimestampValue,
  DuckDBTypeId,
  type DuckDBType,
  type DuckDBValue
} from '@duckdb/node-api';

export interface AthenaColumnInfo {
  CatalogName: string;
  SchemaName: string;
  TableName: string;
  Name: string;
  Label: string;
  Type: string;
  Precision: number;
  Scale: number;
  Nullable: 'UNKNOWN';
  CaseSensitive: boolean;
}

/** Athena's name for a DuckDB type, with precision and scale where they apply. */
export function athenaType(type: DuckDBType): {
  name: string;
  precision: number;
  scale: number;
} {
  const plain = (name: string, precision = 0) => ({
    name,
    precision,
    scale: 0
  });
  switch (type.typeId) {
    case DuckDBTypeId.BOOLEAN:
      return plain('boolean');
    case DuckDBTypeId.TINYINT:
    case DuckDBTypeId.UTINYINT:
      return plain('tinyint', 3);
    case DuckDBTypeId.SMALLINT:
    case DuckDBTypeId.USMALLINT:
      return plain('smallint', 5);
    case DuckDBTypeId.INTEGER:
    case DuckDBTypeId.UINTEGER:
      return plain('integer', 10);
    case DuckDBTypeId.BIGINT:
    case DuckDBTypeId.UBIGINT:
      return plain('bigint', 19);
    case DuckDBTypeId.HUGEINT:
    case DuckDBTypeId.UHUGEINT:
      return { name: 'decimal', precision: 38, scale: 0 };
    case DuckDBTypeId.FLOAT:
      return plain('float', 17);
    case DuckDBTypeId.DOUBLE:
      return plain('double', 17);
    case DuckDBTypeId.DECIMAL: {
      const decimal = type;
      return {
        name: 'decimal',
        precision: decimal.width,
        scale: decimal.scale
      };
    }
    case DuckDBTypeId.DATE:
      return plain('date');
    case DuckDBTypeId.TIMESTAMP:
    case DuckDBTypeId.TIMESTAMP_MS:
    case DuckDBTypeId.TIMESTAMP_S:
    case DuckDBTypeId.TIMESTAMP_NS:
      return { name: 'timestamp', precision: 3, scale: 0 };
    case DuckDBTypeId.TIMESTAMP_TZ:
      // Delta's timestamp is an instant in UTC; Athena shows it as timestamp.
      return { name: 'timestamp', precision: 3, scale: 0 };
    case DuckDBTypeId.TIME:
      return plain('time');
    case DuckDBTypeId.BLOB:
      return plain('varbinary', 1073741824);
    case DuckDBTypeId.LIST:
    case DuckDBTypeId.ARRAY:
      return plain('array');
    case DuckDBTypeId.STRUCT:
      return plain('row');
    case DuckDBTypeId.MAP:
      return plain('map');
    case DuckDBTypeId.INTERVAL:
      return plain('interval day to second');
    default:
      return plain('varchar', 2147483647);
  }
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/** `yyyy-MM-dd HH:mm:ss.SSS` in UTC, as Athena prints timestamps. */
function timestampText(micros: bigint): string {
  const millis =
    Number(micros / 1000n) - (micros < 0n && micros % 1000n !== 0n ? 1 : 0);
  const date = new Date(millis);
  return (
    `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)} ` +
    `${pad(date.getUTCHours(), 2)}:${pad(date.getUTCMinutes(), 2)}:${pad(date.getUTCSeconds(), 2)}.` +
    pad(date.getUTCMilliseconds(), 3)
  );
}

/** A value nested in an array, row or map: no quotes, Athena's own braces. */
function text(value: DuckDBValue): string {
  if (value === null) {
    return 'null';
  }
  if (value instanceof DuckDBListValue || value instanceof DuckDBArrayValue) {
    return `[${value.items.map(text).join(', ')}]`;
  }
  if (value instanceof DuckDBStructValue) {
    return `{${Object.entries(value.entries)
      .map(([key, item]) => `${key}=${text(item)}`)
      .join(', ')}}`;
  }
  if (value instanceof DuckDBMapValue) {
    return `{${value.entries
      .map(entry => `${text(entry.key)}=${text(entry.value)}`)
      .join(', ')}}`;
  }
  if (value instanceof DuckDBTimestampValue) {
    return timestampText(value.micros);
  }
  if (value instanceof DuckDBTimestampTZValue) {
    return timestampText(value.micros);
  }
  if (value instanceof DuckDBDateValue) {
    return value.toString();
  }
  if (value instanceof DuckDBBlobValue) {
    return Buffer.from(value.bytes)
      .toString('hex')
      .replace(/(..)(?!$)/g, '$1 ');
  }
  if (typeof value === 'number' && !Number.isFinite(value)) {
    return Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
  }
  return String(value);
}

/** One datum of `ResultSet.Rows[].Data`. */
export function datum(value: DuckDBValue): { VarCharValue?: string } {
  return value === null ? {} : { VarCharValue: text(value) };
}
