/**
 * `/api/schedule…`: the schedule dialog and the runs panel. Thin: the
 * service generates, validates and sends; this layer checks the request
 * shapes and turns Argo objects into rows. The Argo token stays in the
 * client; no response carries it.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  ArcadeError,
  type ArgoLogsResponse,
  type ArgoRunDetail,
  type ArgoRunRow,
  type ArgoRunsResponse,
  type CronPreviewResponse,
  type RunSubmittedResponse,
  type ScheduleContextResponse,
  type ScheduleCreatedResponse,
  type ScheduleRow,
  type SchedulesResponse
} from 'arcade-engine';
import type { FastifyInstance } from 'fastify';
import { jsonBody, optionalText } from '../server/requestBody';
import type { Workflow } from './argo/client';
import type { Settings } from '../config';
import type { GitService } from '../git/service';
import type { PublishService } from '../publish/service';
import { CellLocator, stageCells } from '../runs/stageCells';
import { scheduleFileText, SCHEDULES_DIR, specFromJson } from './asCode';
import { scheduleContext } from './context';
import { cronProblem, isTimeZone, nextRuns } from './cron';
import { ANNOTATIONS } from './manifests';
import {
  cronRow,
  podNotebook,
  podsOf,
  runDetail,
  runEnded,
  runRow
} from './rows';
import type { ScheduleService } from './service';
import { changedCell } from './stageLink';

/** At most this many log lines of one run are kept for the panel. */
export const MAX_LOG_LINES = 50_000;
const NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

function objectName(value: string): string {
  if (!NAME.test(value)) {
    throw new ArcadeError(
      'bad_request',
      `"${value}" is not an Argo object name`
    );
  }
  return value;
}

/**
 * The lines of a run's pods. An ended run's are read once and kept (a few
 * dozen runs); a run that runs again (Retry) is read afresh.
 */
class RunLogs {
  readonly #ended = new Map<string, { node: string; text: string }[]>();

  async read(
    service: ScheduleService,
    workflow: Workflow
  ): Promise<{ node: string; text: string }[]> {
    const name = workflow.metadata.name ?? '';
    const ended = runEnded(workflow.status?.phase);
    const kept = this.#ended.get(name);
    if (ended && kept !== undefined) {
      return kept;
    }
    this.#ended.delete(name);
    const nodes = podsOf(workflow).map(node => node.id);
    const nodeOf = (pod: string): string =>
      nodes.find(
        id => id === pod || id.split('-').pop() === pod.split('-').pop()
      ) ?? pod;
    const lines: { node: string; text: string }[] = [];
    await service.client().logs(name, {
      onEntry: entry => {
        if (lines.length < MAX_LOG_LINES) {
          lines.push({
            node: nodeOf(entry.podName ?? ''),
            text: entry.content ?? ''
          });
        }
      }
    });
    if (ended) {
      if (this.#ended.size >= 50) {
        this.#ended.delete(this.#ended.keys().next().value ?? '');
      }
      this.#ended.set(name, lines);
    }
    return lines;
  }
}

export function registerScheduleRoutes(
  app: FastifyInstance,
  deps: {
    settings: Settings;
    git: GitService;
    publish: PublishService;
    schedule: ScheduleService;
  }
): void {
  const { settings, git, publish, schedule } = deps;
  const logs = new RunLogs();
  const project = async (repo: unknown): Promise<string> =>
    (await publish.versions(repo)).project;

  app.get<{ Querystring: { repo?: string } }>(
    '/api/schedule/context',
    (request): Promise<ScheduleContextResponse> =>
      scheduleContext({ settings, git, publish }, request.query.repo)
  );

  app.post('/api/schedule/cron', (request): CronPreviewResponse => {
    const { schedules, timezone } = jsonBody(request.body);
    if (
      !Array.isArray(schedules) ||
      !schedules.every(s => typeof s === 'string') ||
      typeof timezone !== 'string'
    ) {
      throw new ArcadeError(
        'bad_request',
        'expected "schedules" (cron lines) and "timezone"'
      );
    }
    const lines = schedules;
    const problems = lines.map(line => cronProblem(line));
    const timezoneProblem = isTimeZone(timezone)
      ? null
      : `unknown time zone "${timezone}" (use an IANA name such as Europe/Paris)`;
    const now = new Date();
    return {
      problems,
      timezoneProblem,
      nextRuns:
        timezoneProblem !== null
          ? []
          : lines
              .filter((_, i) => problems[i] === null)
              .flatMap(line => nextRuns(line, timezone, 5, now))
              .sort((a, b) => a.getTime() - b.getTime())
              .slice(0, 5)
              .map(date => date.toISOString())
    };
  });

  app.get<{ Querystring: { repo?: string } }>(
    '/api/schedule',
    async (request): Promise<SchedulesResponse> => ({
      schedules: (await schedule.list(await project(request.query.repo))).map(
        cron => cronRow(cron)
      )
    })
  );

  app.post(
    '/api/schedule',
    async (request): Promise<ScheduleCreatedResponse> => {
      const { repo, spec: raw, version } = jsonBody(request.body);
      const spec = specFromJson(raw);
      const result = await schedule.create(spec, repo, {
        version: optionalText(version, 'version')
      });
      // The schedule as code, beside the notebooks: committed with them.
      const root = (await git.repo(repo)).dir;
      const file = `${SCHEDULES_DIR}/${spec.name}.yaml`;
      await mkdir(path.join(root, SCHEDULES_DIR), { recursive: true });
      await writeFile(path.join(root, file), scheduleFileText(spec));
      if (result.cron === null) {
        throw new ArcadeError('upstream', 'Argo returned no schedule');
      }
      return {
        schedule: cronRow(result.cron),
        file,
        version: result.target.commit
      };
    }
  );

  app.post(
    '/api/schedule/run',
    async (request): Promise<RunSubmittedResponse> => {
      const { repo, spec: raw, version } = jsonBody(request.body);
      const spec = specFromJson(raw);
      const result = await schedule.submit(spec, repo, {
        version: optionalText(version, 'version')
      });
      if (result.workflow === null) {
        throw new ArcadeError('upstream', 'Argo returned no run');
      }
      return { run: runRow(result.workflow), version: result.target.commit };
    }
  );

  for (const verb of ['suspend', 'resume'] as const) {
    app.post<{ Params: { name: string } }>(
      `/api/schedule/:name/${verb}`,
      async (request): Promise<ScheduleRow> => {
        const name = objectName(request.params.name);
        const client = schedule.client();
        return cronRow(
          verb === 'suspend'
            ? await client.suspendCronWorkflow(name)
            : await client.resumeCronWorkflow(name)
        );
      }
    );
  }

  app.delete<{ Params: { name: string }; Querystring: { repo?: string } }>(
    '/api/schedule/:name',
    async (request): Promise<{ deleted: string; file: string | null }> => {
      const name = objectName(request.params.name);
      await schedule.client().deleteCronWorkflow(name);
      // Without its file, `arcade schedule apply` would not bring it back.
      const root = (await git.repo(request.query.repo)).dir;
      const file = `${SCHEDULES_DIR}/${name}.yaml`;
      const existed = await rm(path.join(root, file)).then(
        () => true,
        () => false
      );
      return { deleted: name, file: existed ? file : null };
    }
  );

  app.get<{
    Querystring: { repo?: string; notebook?: string; limit?: string };
  }>('/api/schedule/runs', async (request): Promise<ArgoRunsResponse> => {
    const { notebook } = request.query;
    const limit = Math.min(Number(request.query.limit) || 200, 2000);
    const workflows = await schedule.runs(await project(request.query.repo), {
      limit: notebook === undefined ? limit : undefined
    });
    const rows: ArgoRunRow[] = [];
    for (const workflow of workflows) {
      const notebooks = (
        workflow.metadata.annotations?.[ANNOTATIONS.notebooks] ?? ''
      ).split(',');
      if (notebook === undefined || notebooks.includes(notebook)) {
        rows.push(runRow(workflow));
      }
      if (rows.length >= limit) {
        break;
      }
    }
    return { runs: rows };
  });

  app.get<{ Params: { name: string }; Querystring: { repo?: string } }>(
    '/api/schedule/runs/:name',
    async (request): Promise<ArgoRunDetail> => {
      const name = objectName(request.params.name);
      const workflow = await schedule.client().getWorkflow(name);
      const lines = await logs.read(schedule, workflow);
      const byNode = new Map<string, string[]>();
      for (const line of lines) {
        const list = byNode.get(line.node) ?? [];
        list.push(line.text);
        byNode.set(line.node, list);
      }
      const { commit, versionUri } = runRow(workflow);
      const notebooks = new Map<string, unknown>();
      for (const pod of podsOf(workflow)) {
        const notebook = podNotebook(pod, versionUri);
        if (notebook !== null && commit !== null && !notebooks.has(notebook)) {
          const file = await git
            .file(request.query.repo, notebook, commit)
            .catch(() => null);
          notebooks.set(notebook, parseOrNull(file?.text ?? null));
        }
      }
      return runDetail(workflow, byNode, (notebook, environment) => {
        const json = notebook === null ? null : notebooks.get(notebook);
        return json === null || json === undefined || environment === null
          ? null
          : new CellLocator(stageCells(json), environment);
      });
    }
  );

  app.get<{
    Params: { name: string };
    Querystring: { after?: string };
  }>(
    '/api/schedule/runs/:name/logs',
    async (request): Promise<ArgoLogsResponse> => {
      const name = objectName(request.params.name);
      const after = Math.max(0, Number(request.query.after) || 0);
      const workflow = await schedule.client().getWorkflow(name);
      const done = runEnded(workflow.status?.phase);
      const lines = await logs.read(schedule, workflow);
      return {
        lines: lines.slice(after, after + 5000),
        next: Math.min(lines.length, after + 5000),
        done: done && after + 5000 >= lines.length
      };
    }
  );

  app.get<{
    Params: { name: string };
    Querystring: { repo?: string; notebook?: string; cell?: string };
  }>('/api/schedule/runs/:name/cell', async request => {
    const name = objectName(request.params.name);
    const notebook = optionalText(request.query.notebook, 'notebook');
    const cell = Number(request.query.cell);
    if (notebook === undefined || !Number.isInteger(cell) || cell < 0) {
      throw new ArcadeError('bad_request', 'expected "notebook" and "cell"');
    }
    const commit = runRow(await schedule.client().getWorkflow(name)).commit;
    if (commit === null) {
      throw new ArcadeError('not_found', `run ${name} names no commit`);
    }
    const [then, now] = await Promise.all([
      git.file(request.query.repo, notebook, commit),
      git.file(request.query.repo, notebook)
    ]);
    return {
      commit,
      ...changedCell(parseOrNull(then.text), parseOrNull(now.text), cell)
    };
  });

  for (const verb of ['stop', 'retry', 'resubmit'] as const) {
    app.post<{ Params: { name: string } }>(
      `/api/schedule/runs/:name/${verb}`,
      async (request): Promise<ArgoRunRow> => {
        const name = objectName(request.params.name);
        const client = schedule.client();
        const workflow =
          verb === 'stop'
            ? await client.stop(name, 'stopped from the runs panel')
            : verb === 'retry'
              ? await client.retry(name)
              : await client.resubmit(name);
        return runRow(workflow);
      }
    );
  }
}

function parseOrNull(text: string | null): unknown {
  if (text === null) {
    return null;
  }
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
