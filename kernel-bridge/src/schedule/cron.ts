/**
 * Cron expressions as Argo reads them (robfig/cron's standard parser: five
 * fields, or a descriptor such as `@hourly`), evaluated by croner in the
 * schedule's IANA time zone.
 */
import { Cron } from 'croner';

const DESCRIPTORS = new Set([
  '@yearly',
  '@annually',
  '@monthly',
  '@weekly',
  '@daily',
  '@midnight',
  '@hourly'
]);

/** True when the runtime knows the IANA zone (`Europe/Paris`, `UTC`). */
export function isTimeZone(zone: string): boolean {
  if (zone === '') {
    return false;
  }
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Why an expression is not a cron Argo accepts, or null when it is. */
export function cronProblem(expression: string): string | null {
  const text = expression.trim();
  if (text.startsWith('@')) {
    if (text.startsWith('@every ')) {
      return /^@every (\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(text)
        ? null
        : `"${text}": @every needs a duration such as 1h30m`;
    }
    return DESCRIPTORS.has(text)
      ? null
      : `"${text}" is not a cron descriptor (${[...DESCRIPTORS].join(', ')})`;
  }
  const fields = text.split(/\s+/).filter(Boolean);
  if (fields.length !== 5) {
    return `"${text}" has ${fields.length} fields; a cron needs 5 (minute hour day-of-month month day-of-week)`;
  }
  try {
    new Cron(text, { paused: true });
    return null;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return `"${text}": ${message.replace(/^CronPattern: /, '')}`;
  }
}

/** The next `count` run times of an expression after `from`, in its zone. */
export function nextRuns(
  expression: string,
  timezone: string,
  count: number,
  from: Date
): Date[] {
  const text = expression.trim();
  const every = /^@every (.+)$/.exec(text);
  if (every !== null) {
    const step = durationMs(every[1] ?? '');
    return Array.from(
      { length: count },
      (_, i) => new Date(from.getTime() + step * (i + 1))
    );
  }
  const cron = new Cron(
    DESCRIPTORS.has(text) ? text.replace('@midnight', '@daily') : text,
    {
      paused: true,
      timezone
    }
  );
  return cron.nextRuns(count, from);
}

/** A Go duration (`1h30m`, `90s`) in milliseconds. */
export function durationMs(text: string): number {
  const units: Record<string, number> = {
    ns: 1e-6,
    us: 1e-3,
    µs: 1e-3,
    ms: 1,
    s: 1000,
    m: 60_000,
    h: 3_600_000
  };
  let total = 0;
  for (const match of text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) {
    total += Number(match[1]) * (units[match[2] ?? 's'] ?? 0);
  }
  return total;
}
