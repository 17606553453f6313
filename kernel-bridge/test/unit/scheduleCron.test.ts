import { cronProblem, isTimeZone, nextRuns } from '../../src/schedule/cron';

describe('cron as Argo reads it', () => {
  it('accepts five fields and the descriptors robfig/cron knows', () => {
    for (const ok of [
      '30 2 * * *',
      '*/15 * * * MON-FRI',
      '@hourly',
      '@every 1h30m'
    ]) {
      expect(cronProblem(ok)).toBeNull();
    }
  });

  it('explains what is wrong with the others', () => {
    expect(cronProblem('61 2 * * *')).toContain('minute');
    expect(cronProblem('0 */5 * * * *')).toContain(
      'has 6 fields; a cron needs 5'
    );
    expect(cronProblem('@fortnightly')).toContain('is not a cron descriptor');
    expect(cronProblem('@every soon')).toContain('@every needs a duration');
  });

  it('knows IANA zones and refuses others', () => {
    expect(isTimeZone('Europe/Paris')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Europe/Pariss')).toBe(false);
    expect(isTimeZone('')).toBe(false);
  });

  it('gives the next runs in the schedule’s zone', () => {
    const from = new Date('2027-01-15T00:00:00Z');
    const runs = nextRuns('30 2 * * *', 'Europe/Paris', 2, from);
    // 02:30 in Paris is 01:30 UTC in winter.
    expect(runs.map(d => d.toISOString())).toEqual([
      '2027-01-15T01:30:00.000Z',
      '2027-01-16T01:30:00.000Z'
    ]);
    expect(
      nextRuns('@every 90m', 'UTC', 2, from).map(d => d.toISOString())
    ).toEqual(['2027-01-15T01:30:00.000Z', '2027-01-15T03:00:00.000Z']);
  });
});
