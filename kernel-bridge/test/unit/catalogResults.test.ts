import {
  classifyAthena,
  estimateCost,
  pollDelay,
  startsWithHeader,
  statistics,
  typedValue
} from '../../src/catalog/results';
import { crawlTableName, checkLakeUri } from '../../src/catalog/lake';
import { enginePath } from '../../src/catalog/localAthena/engine';

describe("Athena's results, typed", () => {
  it('types values by ColumnInfo, keeping big integers and decimals exact', () => {
    expect(typedValue('42', 'integer')).toBe(42);
    expect(typedValue('9007199254740993', 'bigint')).toBe('9007199254740993');
    expect(typedValue('1.5', 'double')).toBe(1.5);
    expect(typedValue('NaN', 'double')).toBe('NaN');
    expect(typedValue('true', 'boolean')).toBe(true);
    expect(typedValue('12.50', 'decimal')).toBe('12.50');
    expect(typedValue('2026-01-01 00:00:00.000', 'timestamp')).toBe(
      '2026-01-01 00:00:00.000'
    );
    expect(typedValue(undefined, 'varchar')).toBeNull();
    expect(typedValue('', 'varchar')).toBe('');
  });

  it("drops the header row only on a SELECT's first page", () => {
    const columns = [
      { name: 'id', type: 'bigint' },
      { name: 'name', type: 'varchar' }
    ];
    expect(startsWithHeader('DML', true, ['id', 'name'], columns)).toBe(true);
    expect(startsWithHeader('DML', false, ['id', 'name'], columns)).toBe(false);
    expect(startsWithHeader('UTILITY', true, ['id', 'name'], columns)).toBe(
      false
    );
    expect(startsWithHeader('DDL', true, undefined, columns)).toBe(false);
  });

  it('estimates cost from bytes scanned with the 10 MB minimum', () => {
    expect(estimateCost(0, 5, false)).toBe(0);
    expect(estimateCost(1024, 5, true)).toBeCloseTo(
      ((10 * 1024 ** 2) / 1024 ** 4) * 5,
      12
    );
    expect(estimateCost(1024 ** 4, 5, true)).toBe(5);
    expect(
      statistics(
        {
          DataScannedInBytes: 1024 ** 4,
          ResultReuseInformation: { ReusedPreviousResult: true }
        },
        'DML',
        5
      ).costUsd
    ).toBe(0);
    expect(
      statistics({ DataScannedInBytes: 2 * 1024 ** 4 }, 'DML', 6.25).costUsd
    ).toBe(12.5);
  });

  it('polls quickly first, every 100 ms for about six seconds, then backs off; longer after throttling', () => {
    const delays = Array.from({ length: 120 }, (_, i) => pollDelay(i, 0));
    expect(delays[0]).toBeLessThanOrEqual(50);
    expect(delays.slice(0, 4).reduce((a, b) => a + b, 0)).toBeLessThan(200);
    expect([...delays].sort((a, b) => a - b)).toEqual(delays);
    let elapsed = 0;
    for (const delay of delays) {
      if (elapsed < 5_500) {
        expect(delay).toBeLessThanOrEqual(100);
      }
      elapsed += delay;
    }
    expect(delays[119]).toBe(1000);
    expect(pollDelay(0, 1, () => 0)).toBe(250);
    expect(pollDelay(0, 3, () => 1)).toBe(2000);
    expect(pollDelay(0, 10, () => 1)).toBe(8000);
  });

  it("classifies Athena's errors and keeps unknown ones as failed", () => {
    expect(
      classifyAthena('AccessDeniedException', 'User is not authorized')
    ).toBe('access-denied');
    expect(classifyAthena('TooManyRequestsException', 'Rate exceeded')).toBe(
      'throttled'
    );
    expect(
      classifyAthena(
        'MetadataException',
        'Table absent not found in database sales.'
      )
    ).toBe('not-found');
    expect(
      classifyAthena('QueryFailed', "line 1:8: mismatched input 'FORM'")
    ).toBe('syntax');
    expect(
      classifyAthena(
        'QueryFailed',
        "TABLE_NOT_FOUND: line 1:15: Table 'x' does not exist"
      )
    ).toBe('not-found');
    expect(classifyAthena('QueryFailed', 'Query was cancelled by user')).toBe(
      'cancelled'
    );
    expect(classifyAthena('InternalServerException', 'boom')).toBe('failed');
  });
});

describe('lake locations and names', () => {
  it('names crawled tables as a Glue crawler would', () => {
    expect(crawlTableName('customers')).toBe('customers');
    expect(crawlTableName('Sales/Customers-2026')).toBe('sales_customers_2026');
    expect(crawlTableName('__')).toBe('table');
  });

  it('refuses locations that climb out or use another scheme', () => {
    expect(checkLakeUri('s3://lake/delta/x')).toBe('s3://lake/delta/x');
    expect(() => checkLakeUri('s3://lake/../other')).toThrow(/".."/);
    expect(() => checkLakeUri('http://lake/x')).toThrow(
      /file:\/\/, s3:\/\/ or s3a:\/\//
    );
    expect(() => checkLakeUri('file:///tmp/a\u0000b')).toThrow(
      /control characters/
    );
  });

  it('maps s3a to s3 and file URLs to paths for DuckDB', () => {
    expect(enginePath('s3a://lake/delta/t/')).toBe('s3://lake/delta/t');
    expect(enginePath('file:///tmp/a%20b')).toBe('/tmp/a b');
  });
});
