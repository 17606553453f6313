/**
 * How schedules and runs read in the dialog and the runs panel. Pure.
 */
import type {
  ArgoRunRow,
  ScheduleNotebook,
  ScheduleVariable
} from 'arcade-engine';
import cronstrue from 'cronstrue';

const cronTexts = new Map<string, string | null>();

/** A cron line in plain English, or null when cronstrue cannot read it. */
export function describeCron(expression: string): string | null {
  if (expression.trim() === '') {
    return null;
  }
  let text = cronTexts.get(expression);
  if (text === undefined) {
    try {
      text = cronstrue.toString(expression, {
        throwExceptionOnParseError: true,
        use24HourTimeFormat: true,
        verbose: false
      });
    } catch {
      text = null;
    }
    if (cronTexts.size > 500) {
      cronTexts.clear();
    }
    cronTexts.set(expression, text);
  }
  return text;
}

const zoneFormats = new Map<string, Intl.DateTimeFormat | null>();

/** A time as the user reads it in a zone: `Tue 3 Mar 2027, 02:30 CET`. */
export function formatInZone(iso: string, timezone: string): string {
  const date = new Date(iso);
  let format = zoneFormats.get(timezone);
  if (format === undefined) {
    try {
      format = new Intl.DateTimeFormat('en-GB', {
        timeZone: timezone,
        weekday: 'short',
        day: 'numeric',
        month: 'short',
        year: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
        timeZoneName: 'short'
      });
    } catch {
      format = null;
    }
    zoneFormats.set(timezone, format);
  }
  return format === null ? date.toISOString() : format.format(date);
}

/** `4 s`, `2 min 5 s`, `1 h 03 min`. */
export function formatSeconds(seconds: number | null): string {
  if (seconds === null) {
    return '–';
  }
  if (seconds < 60) {
    return `${seconds} s`;
  }
  if (seconds < 3600) {
    return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
  }
  const minutes = Math.floor((seconds % 3600) / 60);
  return `${Math.floor(seconds / 3600)} h ${String(minutes).padStart(2, '0')} min`;
}

/** Formatters are costly to make (a millisecond each in Chromium): made once. */
let startFormat: Intl.DateTimeFormat | null = null;

/** A short local time for a table cell: `Jan 5, 02:30:00`. */
export function formatStart(iso: string | null): string {
  if (iso === null) {
    return '–';
  }
  startFormat ??= new Intl.DateTimeFormat(undefined, {
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit'
  });
  return startFormat.format(new Date(iso));
}

export type PhaseClass = 'pending' | 'running' | 'succeeded' | 'failed';

export function phaseClass(phase: string): PhaseClass {
  switch (phase) {
    case 'Succeeded':
      return 'succeeded';
    case 'Failed':
    case 'Error':
      return 'failed';
    case 'Running':
      return 'running';
    default:
      return 'pending';
  }
}

/** True once the run will not change. */
export function runEnded(run: Pick<ArgoRunRow, 'phase'>): boolean {
  return ['Succeeded', 'Failed', 'Error'].includes(run.phase);
}

/**
 * The parameters a set of notebooks needs, each once: required when any
 * notebook requires it.
 */
export function neededVariables(
  notebooks: readonly ScheduleNotebook[]
): ScheduleVariable[] {
  const found = new Map<string, boolean>();
  for (const notebook of notebooks) {
    for (const variable of notebook.variables) {
      found.set(
        variable.name,
        (found.get(variable.name) ?? false) || variable.required
      );
    }
  }
  return [...found]
    .map(([name, required]) => ({ name, required }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** A schedule name from a notebook path: `etl/01 Load Sales.ipynb` → `load-sales`. */
export function suggestName(path: string): string {
  const base = (path.split('/').pop() ?? path).replace(/\.ipynb$/i, '');
  const name = base
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^[-0-9]+|-+$/g, '')
    .slice(0, 40)
    .replace(/-+$/, '');
  return name === '' ? 'schedule' : name;
}

/** The path of a workspace notebook inside its repository (`repo` is the repository's folder in the workspace). */
export function repoRelative(workspacePath: string, repo: string): string {
  if (repo === '.' || repo === '') {
    return workspacePath;
  }
  const prefix = `${repo.replace(/\/+$/, '')}/`;
  return workspacePath.startsWith(prefix)
    ? workspacePath.slice(prefix.length)
    : workspacePath;
}

/** The workspace path of a repository notebook. */
export function workspacePath(repoPath: string, repo: string): string {
  return repo === '.' || repo === '' ? repoPath : `${repo}/${repoPath}`;
}
