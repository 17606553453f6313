import type { GitFileStatus, GitStatusResponse } from 'arcade-engine';
import { nullTranslator } from '@jupyterlab/translation';
import { CommandRegistry } from '@lumino/commands';
import { describeProgress } from '../bridge/progress';
import { firstProblem } from '../publish/problems';
import type { GitApi } from '../git/api';
import { GitModel } from '../git/model';
import { GitPanel, groupsOf, ROWS_PER_GROUP } from '../git/panel';
import { CommandIDs } from '../tokens';

const trans = nullTranslator.load('jupyterlab_arcade');

function file(
  path: string,
  staged: GitFileStatus['staged'],
  unstaged: GitFileStatus['unstaged']
): GitFileStatus {
  return { path, staged, unstaged, conflicted: false };
}

function status(files: GitFileStatus[], ahead = 0): GitStatusResponse {
  return {
    repo: '.',
    branch: 'main',
    head: 'a'.repeat(40),
    remote: 'http://git/x.git',
    ahead,
    behind: 0,
    files
  };
}

const calls: [string, string[]][] = [];

function fakeApi(answer: GitStatusResponse): GitApi {
  return {
    status: () => Promise.resolve(answer),
    log: () => Promise.resolve({ entries: [] }),
    change: (action: string, paths: string[]) => {
      calls.push([action, paths]);
      return Promise.resolve(
        status(
          answer.files.map(f =>
            paths.includes(f.path) && action === 'stage'
              ? { ...f, staged: 'modified' as const, unstaged: null }
              : f
          )
        )
      );
    }
  } as unknown as GitApi;
}

describe('Git panel', () => {
  it('puts each file in the groups its status says', () => {
    expect(groupsOf(file('a', 'modified', 'modified'))).toEqual([
      'staged',
      'unstaged'
    ]);
    expect(groupsOf(file('b', null, 'untracked'))).toEqual(['untracked']);
    expect(groupsOf({ ...file('c', null, null), conflicted: true })).toEqual([
      'conflicted'
    ]);
  });

  it('renders groups with badges, enables commit only with staged files and a message, and commits on Ctrl+Enter', async () => {
    const model = new GitModel(
      fakeApi(
        status(
          [
            file('nb.ipynb', 'modified', null),
            file('x.sql', null, 'untracked')
          ],
          2
        )
      )
    );
    const commands = new CommandRegistry();
    const executed: unknown[] = [];
    commands.addCommand(CommandIDs.gitCommit, {
      execute: args => {
        executed.push(args);
      }
    });
    const panel = new GitPanel({ model, commands, trans });
    await model.refresh();
    const node = panel.node;
    expect(
      Array.from(node.querySelectorAll('.jp-Arcade-Git-groupHeader')).map(
        h => h.firstChild?.textContent
      )
    ).toEqual(['Staged (1)', 'Untracked (1)']);
    expect(node.querySelector('.jp-Arcade-Git-push')?.textContent).toBe(
      'Push ↑2'
    );
    const commit = node.querySelector<HTMLButtonElement>(
      '.jp-Arcade-Git-commitButton'
    );
    expect(commit?.disabled).toBe(true);
    const text = node.querySelector<HTMLTextAreaElement>(
      '.jp-Arcade-Git-commitMessage'
    );
    if (text === null) {
      throw new Error('no commit box');
    }
    text.value = 'Orders: id 2';
    text.dispatchEvent(new Event('input'));
    expect(commit?.disabled).toBe(false);
    text.dispatchEvent(
      new KeyboardEvent('keydown', { key: 'Enter', ctrlKey: true })
    );
    expect(executed).toEqual([{ message: 'Orders: id 2' }]);
    model.dispose();
  });

  it('stages a file from its checkbox', async () => {
    const model = new GitModel(
      fakeApi(status([file('x.sql', null, 'modified')]))
    );
    const panel = new GitPanel({
      model,
      commands: new CommandRegistry(),
      trans
    });
    await model.refresh();
    const box = panel.node.querySelector<HTMLInputElement>(
      '[data-path="x.sql"] .jp-Arcade-Git-stage'
    );
    expect(box).not.toBeNull();
    expect(box?.checked).toBe(false);
    if (box !== null) {
      box.checked = true;
      box.dispatchEvent(new Event('change'));
    }
    await new Promise(resolve => setTimeout(resolve, 0));
    expect(calls).toEqual([['stage', ['x.sql']]]);
    model.dispose();
  });

  it(`shows at most ${ROWS_PER_GROUP} rows per group until asked for all`, async () => {
    const many = Array.from({ length: 5000 }, (_, i) =>
      file(`f${i}.sql`, null, 'untracked')
    );
    const model = new GitModel(fakeApi(status(many)));
    const panel = new GitPanel({
      model,
      commands: new CommandRegistry(),
      trans
    });
    await model.refresh();
    expect(panel.node.querySelectorAll('.jp-Arcade-Git-file')).toHaveLength(
      ROWS_PER_GROUP
    );
    panel.node.querySelector<HTMLButtonElement>('.jp-Arcade-Git-more')?.click();
    expect(panel.node.querySelectorAll('.jp-Arcade-Git-file')).toHaveLength(
      5000
    );
    model.dispose();
  });
});

describe('Git model', () => {
  it('drops the answer of a read that started before the one shown', async () => {
    // A poll tick asks before a push and answers after the refresh that follows it.
    let answerStale: (value: GitStatusResponse) => void = () => undefined;
    const answers = [
      new Promise<GitStatusResponse>(resolve => {
        answerStale = resolve;
      }),
      Promise.resolve(status([], 0))
    ];
    const model = new GitModel({
      status: () => answers.shift() ?? Promise.reject(new Error('no read')),
      log: () => Promise.resolve({ entries: [] })
    } as unknown as GitApi);
    const tick = model.refresh();
    await model.refresh();
    expect(model.status?.ahead).toBe(0);
    answerStale(status([], 1));
    await tick;
    expect(model.status?.ahead).toBe(0);
    // An operation's own answer wins over a read still on its way too.
    answers.push(
      new Promise(resolve => setTimeout(() => resolve(status([], 3)), 10))
    );
    const late = model.refresh();
    model.setStatus(status([], 2));
    await late;
    expect(model.status?.ahead).toBe(2);
    model.dispose();
  });
});

describe('task progress', () => {
  it('says files and bytes', () => {
    expect(
      describeProgress(
        {
          phase: 'Uploading',
          done: 3,
          total: 10,
          unit: 'files',
          bytes: 1536,
          totalBytes: 5 * 1024 * 1024
        },
        trans
      )
    ).toBe('Uploading · 3 of 10 files · 1.5 KB of 5.0 MB');
  });
});

describe('publish refusals', () => {
  it('finds the first notebook cell a lint refusal names', () => {
    expect(
      firstProblem(
        '2 lint errors for dev, test: notebooks/broken.ipynb cell 2 line 1: no outputView; notebooks/x.ipynb cell 5 line 3: …'
      )
    ).toEqual({ path: 'notebooks/broken.ipynb', cell: 1, line: 1 });
    expect(firstProblem('uncommitted changes in a.sql')).toBeNull();
  });
});
