/**
 * What the schedule dialog starts from: the repository's Arc notebooks with
 * the parameters each needs and the data each reads and writes, whether
 * HEAD is published, and the defaults. Read at HEAD's working copy; the
 * service refuses later what the pinned version does not hold.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import {
  analyzeNotebook,
  isArcNotebookText,
  lineageEnds,
  lineageOf,
  scheduleVariables,
  type ScheduleContextResponse,
  type ScheduleNotebook
} from 'arcade-engine';
import type { Settings } from '../config';
import type { GitService } from '../git/service';
import type { PublishService } from '../publish/service';
import { defaultSpec, SIZE_PRESETS } from './manifests';
import { stepName } from './spec';

/** Folders never searched for notebooks. */
const SKIPPED = new Set(['node_modules', '__pycache__', 'schedules']);
/** Bounds of the search, so a huge repository cannot stall the dialog. */
const MAX_DEPTH = 6;
const MAX_NOTEBOOKS = 400;
const MAX_NOTEBOOK_BYTES = 8 * 1024 * 1024;

/** Repository-relative paths of the `.ipynb` files, sorted. */
export async function notebookPaths(root: string): Promise<string[]> {
  const found: string[] = [];
  const visit = async (dir: string, depth: number): Promise<void> => {
    if (depth > MAX_DEPTH || found.length >= MAX_NOTEBOOKS) {
      return;
    }
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name.startsWith('.') || SKIPPED.has(entry.name)) {
        continue;
      }
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        await visit(full, depth + 1);
      } else if (entry.isFile() && entry.name.endsWith('.ipynb')) {
        found.push(path.relative(root, full).split(path.sep).join('/'));
      }
    }
  };
  await visit(root, 0);
  return found.slice(0, MAX_NOTEBOOKS);
}

/** One notebook as the dialog offers it; null when it is not an Arc notebook. */
export function describeNotebook(
  file: string,
  text: string,
  environments: readonly string[]
): ScheduleNotebook | null {
  if (!isArcNotebookText(text)) {
    return null;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return {
      path: file,
      step: stepName(file),
      variables: [],
      reads: [],
      writes: [],
      errors: [
        { cell: null, line: 1, message: 'the notebook is not valid JSON' }
      ]
    };
  }
  const analysis = analyzeNotebook(json, { environments, file });
  const graph = lineageOf(analysis);
  const ends = graph === null ? { reads: [], writes: [] } : lineageEnds(graph);
  return {
    path: file,
    step: stepName(file),
    variables:
      analysis.compiled === null ? [] : scheduleVariables(analysis.compiled),
    reads: ends.reads,
    writes: ends.writes,
    errors: analysis.diagnostics
      .filter(d => d.severity === 'error')
      .map(d => ({ cell: d.cell, line: d.line, message: d.message }))
  };
}

export async function scheduleContext(
  deps: { settings: Settings; git: GitService; publish: PublishService },
  repoName: unknown
): Promise<ScheduleContextResponse> {
  const { settings, git, publish } = deps;
  const repo = await git.repo(repoName);
  const [status, versions] = await Promise.all([
    git.status(repoName),
    publish.versions(repoName)
  ]);
  const notebooks: ScheduleNotebook[] = [];
  for (const file of await notebookPaths(repo.dir)) {
    const full = path.join(repo.dir, file);
    const text = await readFile(full, 'utf8').catch(() => null);
    if (text === null || text.length > MAX_NOTEBOOK_BYTES) {
      continue;
    }
    const described = describeNotebook(file, text, settings.environments);
    if (described !== null) {
      notebooks.push(described);
    }
  }
  const environment = settings.environments.includes('dev')
    ? 'dev'
    : (settings.environments[0] ?? 'dev');
  return {
    project: versions.project,
    head: status.head,
    current: versions.current,
    publishedAtHead:
      status.head !== null &&
      versions.versions.some(v => v.commit === status.head),
    uncommitted: status.files.map(f => f.path),
    environments: [...settings.environments],
    sizes: { ...SIZE_PRESETS },
    notebooks,
    defaults: defaultSpec('', [], environment),
    argo: { url: settings.argo.url, namespace: settings.argo.namespace }
  };
}
