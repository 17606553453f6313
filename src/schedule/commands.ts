import type { JupyterFrontEnd } from '@jupyterlab/application';
import { Dialog, Notification, showDialog } from '@jupyterlab/apputils';
import type { INotebookTracker } from '@jupyterlab/notebook';
import type { TranslationBundle } from '@jupyterlab/translation';
import type {
  ArgoRunDetail,
  ArgoRunStep,
  ArgoStageProgress,
  ScheduleSpec
} from 'arcade-engine';
import { reportFailure } from '../git/commands';
import { isArcNotebook, openNotebook, showCell } from '../notebook';
import { toRequestError } from '../request';
import { describeFailure } from '../status/format';
import { CommandIDs, type IArcadeGitModel } from '../tokens';
import type { ScheduleApi } from './api';
import { ScheduleForm, type ScheduleAction } from './form';
import { repoRelative, workspacePath } from './format';
import type { ArgoRunsPanel } from './panel';

export interface IScheduleCommandsOptions {
  api: ScheduleApi;
  git: IArcadeGitModel;
  notebooks: INotebookTracker;
  panel: ArgoRunsPanel;
  trans: TranslationBundle;
}

/**
 * The schedule dialog: Enter in a field creates the schedule (the plain
 * Dialog would close on it), Escape closes; its own buttons keep it open
 * until the bridge has answered, so a refusal loses no field.
 */
class ScheduleDialog extends Dialog<void> {
  constructor(
    private readonly _form: ScheduleForm,
    title: string,
    trans: TranslationBundle
  ) {
    super({
      title,
      body: _form,
      buttons: [Dialog.cancelButton({ label: trans.__('Close') })],
      focusNodeSelector: '#jp-Arcade-Schedule-name'
    });
    this.addClass('jp-Arcade-ScheduleDialog');
  }

  override handleEvent(event: Event): void {
    if (
      event.type === 'keydown' &&
      (event as KeyboardEvent).key === 'Enter' &&
      event.target instanceof HTMLInputElement &&
      this._form.node.contains(event.target)
    ) {
      event.preventDefault();
      event.stopPropagation();
      void this._form.submit('create');
      return;
    }
    super.handleEvent(event);
  }
}

/**
 * "Schedule as Argo workflow" (notebook toolbar, palette) and the runs
 * panel's actions: Stop, Retry, Resubmit, Suspend/Resume, Delete, and a
 * failed stage's cell or diff.
 */
export function addCommands(
  app: JupyterFrontEnd,
  options: IScheduleCommandsOptions
): void {
  const { api, git, notebooks, panel, trans } = options;
  const { commands, shell } = app;

  const showRuns = (run?: string): void => {
    if (!panel.isAttached) {
      shell.add(panel, 'right', { rank: 700 });
    }
    shell.activateById(panel.id);
    void panel.model.refresh();
    if (run !== undefined) {
      panel.model.select(run);
    }
  };

  /** Debounced: the bridge's next runs for the cron lines, shown on the form once it exists. */
  const cronPreview = (form: () => ScheduleForm | null) => {
    let timer = 0;
    let asked = 0;
    return (lines: string[], timezone: string): void => {
      window.clearTimeout(timer);
      timer = window.setTimeout(() => {
        const ask = ++asked;
        api.cron(lines, timezone).then(
          answer => {
            const shown = form();
            if (ask === asked && shown !== null && !shown.isDisposed) {
              shown.showCronPreview(
                answer.nextRuns,
                answer.problems,
                answer.timezoneProblem
              );
            }
          },
          () => undefined
        );
      }, 250);
    };
  };

  const send = async (
    form: ScheduleForm,
    dialog: Dialog<void>,
    action: ScheduleAction,
    spec: ScheduleSpec
  ): Promise<void> => {
    const version = form.context.head ?? undefined;
    form.setStatus(
      action === 'create'
        ? trans.__(
            "Validating with Argo's own checks and creating %1…",
            spec.name
          )
        : trans.__("Validating with Argo's own checks and starting a run…"),
      'busy'
    );
    try {
      if (action === 'create') {
        const created = await api.create(spec, version);
        Notification.success(
          trans.__(
            'Scheduled %1 (%2) pinned to %3; wrote %4 — commit it with the notebook',
            created.schedule.name,
            created.schedule.schedules.join(', '),
            created.version.slice(0, 7),
            created.file
          ),
          {
            autoClose: 8000,
            actions: [
              { label: trans.__('Show runs'), callback: () => showRuns() }
            ]
          }
        );
        await git.refresh();
        showRuns();
      } else {
        const started = await api.runNow(spec, version);
        Notification.success(
          trans.__(
            'Started %1 on version %2',
            started.run.name,
            started.version.slice(0, 7)
          ),
          { autoClose: 5000 }
        );
        showRuns(started.run.name);
      }
      dialog.resolve(0);
    } catch (error) {
      form.setStatus(describeFailure(toRequestError(error), trans), 'error');
    }
  };

  const openDialog = async (): Promise<void> => {
    const current = notebooks.currentWidget;
    if (current === null || !isArcNotebook(current)) {
      return;
    }
    if (current.context.model.dirty) {
      await current.context.save();
    }
    await git.refresh();
    const repo = git.status?.repo ?? '.';
    const notebook = repoRelative(current.context.path, repo);
    let context;
    const reading = Notification.emit(
      trans.__('Reading the notebooks and published versions…'),
      'in-progress',
      { autoClose: false }
    );
    try {
      context = await api.context();
      Notification.dismiss(reading);
    } catch (error) {
      Notification.dismiss(reading);
      reportFailure(trans, trans.__('Cannot schedule'), error);
      return;
    }
    if (!context.notebooks.some(n => n.path === notebook)) {
      Notification.error(
        trans.__(
          '%1 is not an Arc notebook of repository %2',
          current.context.path,
          repo
        ),
        { autoClose: false }
      );
      return;
    }
    let dialog: ScheduleDialog | null = null;
    let built: ScheduleForm | null = null;
    const preview = cronPreview(() => built);
    const form: ScheduleForm = new ScheduleForm({
      context,
      notebook,
      trans,
      onSubmit: (action, spec) =>
        dialog === null ? Promise.resolve() : send(form, dialog, action, spec),
      onCronChange: (lines, timezone) => preview(lines, timezone),
      onPublish: async () => {
        await commands.execute(CommandIDs.publish);
        try {
          form.updatePublished(await api.context());
        } catch (error) {
          form.setStatus(
            describeFailure(toRequestError(error), trans),
            'error'
          );
        }
      }
    });
    built = form;
    dialog = new ScheduleDialog(
      form,
      trans.__('Schedule %1 as an Argo workflow', notebook),
      trans
    );
    await dialog.launch();
  };

  commands.addCommand(CommandIDs.scheduleNotebook, {
    label: trans.__('Schedule as Argo Workflow…'),
    caption: trans.__(
      'Schedule this notebook (or a pipeline) on Argo, pinned to its published version'
    ),
    isEnabled: () => {
      const current = notebooks.currentWidget;
      return current !== null && isArcNotebook(current);
    },
    execute: openDialog
  });

  commands.addCommand(CommandIDs.showArgoRuns, {
    label: trans.__('Argo Runs'),
    caption: trans.__('Schedules and runs on Argo, with live logs'),
    describedBy: {
      args: {
        type: 'object',
        properties: { run: { type: 'string' } }
      }
    },
    execute: args => {
      showRuns(typeof args.run === 'string' ? args.run : undefined);
    }
  });

  const confirmAndReport = async (
    what: string,
    work: () => Promise<unknown>
  ): Promise<void> => {
    try {
      await work();
      await panel.model.refresh();
    } catch (error) {
      reportFailure(trans, what, error);
    }
  };

  panel.setActions({
    act: (run, verb) =>
      confirmAndReport(trans.__('%1 failed', verb), async () => {
        if (verb === 'stop') {
          const answer = await showDialog({
            title: trans.__('Stop %1?', run),
            body: trans.__('Its running steps end now and the run fails.'),
            buttons: [
              Dialog.cancelButton(),
              Dialog.warnButton({ label: trans.__('Stop') })
            ]
          });
          if (!answer.button.accept) {
            return;
          }
        }
        const row = await api.act(run, verb);
        if (verb === 'resubmit') {
          panel.model.select(row.name);
        } else {
          panel.model.follow();
        }
      }),
    setSuspended: (schedule, suspend) =>
      confirmAndReport(
        suspend ? trans.__('Suspend failed') : trans.__('Resume failed'),
        () => api.setSuspended(schedule, suspend)
      ),
    remove: schedule =>
      confirmAndReport(trans.__('Delete failed'), async () => {
        const answer = await showDialog({
          title: trans.__('Delete schedule %1?', schedule),
          body: trans.__(
            'Argo starts no more runs of it, and schedules/%1.yaml is removed from the working copy (commit that). Past runs stay.',
            schedule
          ),
          buttons: [
            Dialog.cancelButton(),
            Dialog.warnButton({ label: trans.__('Delete') })
          ]
        });
        if (answer.button.accept) {
          await api.remove(schedule);
          await git.refresh();
        }
      }),
    showStage: (run, step, stage) => showStage(run, step, stage)
  });

  /** The stage's cell, or the notebook's diff since the run's version when that cell changed. */
  const showStage = async (
    run: ArgoRunDetail,
    step: ArgoRunStep,
    stage: ArgoStageProgress
  ): Promise<void> => {
    if (step.notebook === null || stage.cellIndex === null) {
      Notification.warning(
        trans.__('Arc did not say which cell %1 came from', stage.name),
        { autoClose: 5000 }
      );
      return;
    }
    const repo = git.status?.repo ?? '.';
    const path = workspacePath(step.notebook, repo);
    try {
      const link = await api.cell(run.name, step.notebook, stage.cellIndex);
      if (link.changed) {
        // The Git panel's diff takes paths inside the repository.
        await commands.execute(CommandIDs.gitOpenDiff, {
          path: step.notebook,
          mode: 'refs',
          from: link.commit,
          to: 'working'
        });
        return;
      }
      const opened = await openNotebook(commands, notebooks, path);
      if (opened !== null && link.currentCell !== null) {
        await showCell(shell, opened, link.currentCell);
      }
    } catch (error) {
      reportFailure(trans, trans.__('Cannot show the stage'), error);
    }
  };
}
