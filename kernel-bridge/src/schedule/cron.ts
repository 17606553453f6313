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

/** Minutes east of UTC of `zone` at `date`. */
function zoneOffset(date: Date, zone: string): number {
  const name =
    new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      timeZoneName: 'longOffset'
    })
      .formatToParts(date)
      .find(part => part.type === 'timeZoneName')?.value ?? 'GMT';
  const match = /GMT([+-])(\d{2}):?(\d{2})?/.exec(name);
  if (match === null) {
    return 0;
  }
  const minutes = Number(match[2]) * 60 + Number(match[3] ?? '0');
  return match[1] === '-' ? -minutes : minutes;
}

/**
 * The next `count` run times of an expression after `from`, in its zone,
 * with robfig/cron's daylight-saving behaviour (Argo's scheduler): a wall
 * time the clocks skip does not run that day, and one they repeat runs
 * twice. croner finds the candidates; its `match` confirms each.
 */
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
    { paused: true, timezone }
  );
  const found = new Map<number, Date>();
  let cursor = from;
  // Bounded: a pattern that matches once in years still ends.
  for (let guard = 0; found.size < count && guard < count * 4 + 8; guard++) {
    const [next] = cron.nextRuns(1, cursor);
    if (next === undefined) {
      break;
    }
    cursor = next;
    if (cron.match(next)) {
      found.set(next.getTime(), next);
    }
    const repeated = new Date(next.getTime() + 3_600_000);
    if (
      zoneOffset(repeated, timezone) !== zoneOffset(next, timezone) &&
      cron.match(repeated)
    ) {
      found.set(repeated.getTime(), repeated);
    }
  }
  return [...found.values()]
    .filter(date => date.getTime() > from.getTime())
    .sort((a, b) => a.getTime() - b.getTime())
    .slice(0, count);
}

/**
 * The latest run time of an expression in (after, now], or null; a wall
 * time the clocks skipped does not count (robfig/cron).
 */
export function latestRun(
  expression: string,
  timezone: string,
  after: Date,
  now: Date
): Date | null {
  const text = expression.trim();
  const every = /^@every (.+)$/.exec(text);
  if (every !== null) {
    const step = durationMs(every[1] ?? '');
    if (step <= 0) {
      return null;
    }
    const steps = Math.floor((now.getTime() - after.getTime()) / step);
    return steps < 1 ? null : new Date(after.getTime() + steps * step);
  }
  const cron = new Cron(
    DESCRIPTORS.has(text) ? text.replace('@midnight', '@daily') : text,
    { paused: true, timezone }
  );
  const reference = new Date(now.getTime() + 1);
  for (const candidate of cron.previousRuns(4, reference)) {
    if (candidate.getTime() <= after.getTime()) {
      return null;
    }
    if (cron.match(candidate)) {
      return candidate;
    }
  }
  return null;
}

/** A Go duration (`1h30m`, `90s`), or a plain number of seconds, in milliseconds. */
export function durationMs(text: string | undefined): number {
  if (text === undefined) {
    return 0;
  }
  if (/^\d+(\.\d+)?$/.test(text)) {
    return Number(text) * 1000;
  }
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
