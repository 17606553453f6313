import { diffLines } from 'diff';
import { compileNotebook } from './compile';
import { isRecord } from './values';
import type {
  CompiledStageInfo,
  CompileResponse,
  JsonObject,
  JsonValue
} from './types';

/** One line of a text diff: kept (` `), removed (`-`) or added (`+`). */
export interface DiffLine {
  op: ' ' | '-' | '+';
  text: string;
}

export interface OptionChange {
  key: string;
  /** The value as JSON text, or null when absent on that side. */
  before: string | null;
  after: string | null;
}

export interface StagePlace {
  /** Position among the notebook's stages. */
  index: number;
  /** Notebook cell index, from 0. */
  cell: number;
}

export interface StageChange {
  /** `modified` may also be `moved`; a stage only moved is `moved`. */
  change: 'added' | 'removed' | 'modified' | 'moved' | 'unchanged';
  name: string;
  type: string | null;
  before: StagePlace | null;
  after: StagePlace | null;
  /** Its order relative to the other stages changed. */
  moved: boolean;
  /** The SQL (or other text body) diff, when it changed. */
  sql: DiffLine[] | null;
  /** Other fields that changed (not `sql`, not `environments`). */
  options: OptionChange[];
  environments: { added: string[]; removed: string[] } | null;
}

export interface NotebookDiff {
  stages: StageChange[];
  summary: Record<StageChange['change'], number>;
}

/** A line diff of two texts. */
export function textDiff(before: string, after: string): DiffLine[] {
  const lines: DiffLine[] = [];
  for (const part of diffLines(before, after)) {
    const op = part.added ? '+' : part.removed ? '-' : ' ';
    const text = part.value.endsWith('\n')
      ? part.value.slice(0, -1)
      : part.value;
    for (const line of text.split('\n')) {
      lines.push({ op, text: line });
    }
  }
  return lines;
}

interface Stage {
  info: CompiledStageInfo;
  job: JsonObject;
  name: string;
  /** Everything but its name: equal for a stage that was only renamed. */
  content: string;
}

/** Keys kept in a stable order so equal objects print equally. */
function canonical(value: JsonValue | undefined): string {
  if (Array.isArray(value)) {
    return `[${value.map(canonical).join(',')}]`;
  }
  if (isRecord(value)) {
    const record = value;
    return `{${Object.keys(record)
      .sort()
      .map(key => `${JSON.stringify(key)}:${canonical(record[key])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

function stagesOf(compiled: CompileResponse): Stage[] {
  return compiled.stages.map((info, i) => {
    const job = compiled.job.stages[i] ?? {};
    const name = typeof job.name === 'string' ? job.name : `stage ${i + 1}`;
    const rest = Object.fromEntries(
      Object.entries(job).filter(([key]) => key !== 'name')
    );
    return { info, job, name, content: canonical(rest) };
  });
}

function environmentsOf(job: JsonObject): string[] {
  const value = job.environments;
  return Array.isArray(value)
    ? value.map(item => (typeof item === 'string' ? item : canonical(item)))
    : [];
}

function bodyText(job: JsonObject): string | null {
  for (const key of ['sql', 'message', 'inputURI'] as const) {
    const value = job[key];
    if (typeof value === 'string') {
      return value;
    }
  }
  return null;
}

/** Matched pairs, by name first (in order), then by identical content for renamed stages. */
function match(before: Stage[], after: Stage[]): Map<number, number> {
  const pairs = new Map<number, number>();
  const taken = new Set<number>();
  const pass = (same: (a: Stage, b: Stage) => boolean): void => {
    before.forEach((a, i) => {
      if (pairs.has(i)) {
        return;
      }
      const j = after.findIndex((b, k) => !taken.has(k) && same(a, b));
      if (j >= 0) {
        pairs.set(i, j);
        taken.add(j);
      }
    });
  };
  pass((a, b) => a.name === b.name && a.info.type === b.info.type);
  pass((a, b) => a.content === b.content);
  pass((a, b) => a.name === b.name);
  return pairs;
}

/** Indexes (into `sequence`) of a longest increasing subsequence: the stages that kept their order. */
function keptInOrder(sequence: number[]): Set<number> {
  const tails: number[] = [];
  const previous: number[] = new Array<number>(sequence.length).fill(-1);
  sequence.forEach((value, i) => {
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((sequence[tails[mid] ?? 0] ?? 0) < value) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    previous[i] = lo > 0 ? (tails[lo - 1] ?? -1) : -1;
    tails[lo] = i;
  });
  const kept = new Set<number>();
  for (let i = tails[tails.length - 1] ?? -1; i >= 0; i = previous[i] ?? -1) {
    kept.add(i);
  }
  return kept;
}

function compare(a: Stage, b: Stage, moved: boolean): StageChange {
  const beforeBody = bodyText(a.job);
  const afterBody = bodyText(b.job);
  const sql =
    beforeBody !== afterBody
      ? textDiff(beforeBody ?? '', afterBody ?? '')
      : null;
  const options: OptionChange[] = [];
  const keys = new Set([...Object.keys(a.job), ...Object.keys(b.job)]);
  for (const key of [...keys].sort()) {
    if (
      key === 'environments' ||
      key === 'sql' ||
      (key === 'message' && sql !== null)
    ) {
      continue;
    }
    const x = a.job[key];
    const y = b.job[key];
    if (canonical(x) !== canonical(y)) {
      options.push({
        key,
        before: x === undefined ? null : JSON.stringify(x),
        after: y === undefined ? null : JSON.stringify(y)
      });
    }
  }
  const envBefore = environmentsOf(a.job);
  const envAfter = environmentsOf(b.job);
  const added = envAfter.filter(env => !envBefore.includes(env));
  const removed = envBefore.filter(env => !envAfter.includes(env));
  const environments =
    added.length + removed.length > 0 ? { added, removed } : null;
  const modified = sql !== null || options.length > 0 || environments !== null;
  return {
    change: modified ? 'modified' : moved ? 'moved' : 'unchanged',
    name: b.name,
    type: b.info.type,
    before: { index: a.info.index, cell: a.info.cell },
    after: { index: b.info.index, cell: b.info.cell },
    moved,
    sql,
    options,
    environments
  };
}

function only(stage: Stage, change: 'added' | 'removed'): StageChange {
  const place = { index: stage.info.index, cell: stage.info.cell };
  return {
    change,
    name: stage.name,
    type: stage.info.type,
    before: change === 'removed' ? place : null,
    after: change === 'added' ? place : null,
    moved: false,
    sql: null,
    options: [],
    environments: null
  };
}

/**
 * The change per stage between two versions of an Arc notebook, as Arc
 * compiles them: added, removed, moved and modified (SQL text, options,
 * environments). Outputs, execution counts, markdown and interactive-only
 * cells do not count. Stages come in the new notebook's order, removed
 * ones where they stood.
 */
export function diffNotebooks(
  beforeText: string,
  afterText: string,
  file = 'notebook'
): NotebookDiff {
  const before = stagesOf(compileNotebook(beforeText, { file }));
  const after = stagesOf(compileNotebook(afterText, { file }));
  const pairs = match(before, after);
  const matchedBefore = [...pairs.keys()].sort(
    (x, y) => (pairs.get(x) ?? 0) - (pairs.get(y) ?? 0)
  );
  const kept = keptInOrder(matchedBefore);
  const movedBefore = new Set(matchedBefore.filter((_, i) => !kept.has(i)));
  const afterToBefore = new Map([...pairs].map(([i, j]) => [j, i]));
  const changes: StageChange[] = [];
  const removed = before.map((_, i) => i).filter(i => !pairs.has(i));
  let nextRemoved = 0;
  after.forEach((stage, j) => {
    const i = afterToBefore.get(j);
    // Removed stages go before the first stage that kept its place and came after them.
    while (
      i !== undefined &&
      !movedBefore.has(i) &&
      nextRemoved < removed.length &&
      (removed[nextRemoved] ?? 0) < i
    ) {
      const gone = before[removed[nextRemoved] ?? 0];
      if (gone !== undefined) {
        changes.push(only(gone, 'removed'));
      }
      nextRemoved += 1;
    }
    const beforeStage = i === undefined ? undefined : before[i];
    changes.push(
      beforeStage === undefined || i === undefined
        ? only(stage, 'added')
        : compare(beforeStage, stage, movedBefore.has(i))
    );
  });
  for (const k of removed.slice(nextRemoved)) {
    const beforeStage = before[k];
    if (beforeStage !== undefined) {
      changes.push(only(beforeStage, 'removed'));
    }
  }
  const summary = { added: 0, removed: 0, modified: 0, moved: 0, unchanged: 0 };
  for (const change of changes) {
    summary[change.change] += 1;
  }
  return { stages: changes, summary };
}
