import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { GitCredentials } from '../../src/git/auth';
import { GitService } from '../../src/git/service';
import { plainClone, plainGit, startStack, type Stack, refusal } from './stack';

let stack: Stack;
let workspace: string;
let service: GitService;
const messages: string[] = [];

beforeAll(async () => {
  stack = await startStack('git');
  workspace = path.join(stack.tmp, 'workspace');
  mkdirSync(workspace);
  // No global git config: the author comes from the Jupyter user.
  service = new GitService(workspace, {
    ...stack.env,
    USER: 'jovyan',
    HOME: stack.tmp,
    XDG_CONFIG_HOME: stack.tmp,
    GIT_CONFIG_GLOBAL: ''
  });
  const cloned = await service.clone(
    stack.env.ARCADE_GIT_REMOTE ?? '',
    'project',
    undefined
  );
  messages.push(JSON.stringify(cloned));
}, 120000);

afterAll(async () => {
  await stack.stop();
});

const repoDir = (): string => path.join(workspace, 'project');
const notebook = (): string =>
  path.join(repoDir(), 'notebooks', 'orders.ipynb');

describe('git on the workspace repository (isomorphic-git against git http-backend)', () => {
  it('clones without writing the token into .git/config', async () => {
    const config = readFileSync(path.join(repoDir(), '.git', 'config'), 'utf8');
    expect(config).toContain(stack.remote);
    for (const secret of stack.secrets) {
      expect(config).not.toContain(secret);
    }
    const status = await service.status('project');
    expect(status).toMatchObject({
      branch: 'main',
      remote: stack.remote,
      ahead: 0,
      behind: 0,
      files: []
    });
    expect(status.head).toMatch(/^[0-9a-f]{40}$/);
    // A folder inside the repository names the repository around it.
    expect((await service.status('project/notebooks')).repo).toBe('project');
    expect((await refusal(messages, service.status('..'))).code).toBe(
      'bad_request'
    );
    expect((await refusal(messages, service.status('.'))).code).toBe(
      'not_found'
    );
  });

  it('reports staged, unstaged and untracked files; stages, unstages and discards whole files', async () => {
    writeFileSync(
      notebook(),
      readFileSync(notebook(), 'utf8').replace(
        'SELECT 1 AS id',
        'SELECT 2 AS id'
      )
    );
    writeFileSync(path.join(repoDir(), 'sql', 'new.sql'), 'SELECT 3\n');
    writeFileSync(path.join(repoDir(), 'README.md'), '# Changed\n');
    let status = await service.status('project');
    expect(status.files).toEqual([
      {
        path: 'README.md',
        staged: null,
        unstaged: 'modified',
        conflicted: false
      },
      {
        path: 'notebooks/orders.ipynb',
        staged: null,
        unstaged: 'modified',
        conflicted: false
      },
      {
        path: 'sql/new.sql',
        staged: null,
        unstaged: 'untracked',
        conflicted: false
      }
    ]);
    status = await service.stage('project', [
      'notebooks/orders.ipynb',
      'sql/new.sql'
    ]);
    expect(status.files.map(f => [f.path, f.staged, f.unstaged])).toEqual([
      ['README.md', null, 'modified'],
      ['notebooks/orders.ipynb', 'modified', null],
      ['sql/new.sql', 'added', null]
    ]);
    status = await service.unstage('project', ['sql/new.sql']);
    expect(status.files.find(f => f.path === 'sql/new.sql')).toMatchObject({
      staged: null,
      unstaged: 'untracked'
    });
    status = await service.discard('project', ['README.md', 'sql/new.sql']);
    expect(status.files.map(f => f.path)).toEqual(['notebooks/orders.ipynb']);
    expect(readFileSync(path.join(repoDir(), 'README.md'), 'utf8')).toBe(
      '# Sample workspace\n'
    );
    expect(existsSync(path.join(repoDir(), 'sql', 'new.sql'))).toBe(false);
  });

  it('commits with the user as author and lists the commit with its files', async () => {
    const committed = await service.commit('project', 'Orders: id 2');
    expect(committed.author).toEqual({
      name: 'jovyan',
      email: 'jovyan@users.noreply.arcade.local'
    });
    const { entries } = await service.log('project', 5);
    expect(entries[0]).toMatchObject({
      commit: committed.commit,
      message: 'Orders: id 2\n',
      files: [{ path: 'notebooks/orders.ipynb', change: 'modified' }]
    });
    expect(entries[1]?.files.map(f => f.path)).toEqual([
      'README.md',
      'notebooks/orders.ipynb',
      'sql/daily.sql'
    ]);
    const empty = await refusal(messages, service.commit('project', 'nothing'));
    expect(empty.code).toBe('refused');
  });

  it('pushes to the real git server', async () => {
    const pushed = await service.push('project');
    expect(pushed).toMatchObject({ branch: 'main', updated: true });
    const remoteHead = await plainGit(
      stack,
      ['ls-remote', stack.env.ARCADE_GIT_REMOTE ?? '', 'refs/heads/main'],
      stack.tmp
    );
    expect(remoteHead.stdout.split('\t')[0]).toBe(pushed.commit);
    expect((await service.status('project')).ahead).toBe(0);
  });

  it('a rejected push and a diverged pull lose no commit and no change', async () => {
    const other = path.join(stack.tmp, 'other');
    await plainClone(stack, other);
    writeFileSync(path.join(other, 'sql', 'daily.sql'), 'SELECT 2 AS two\n');
    await plainGit(stack, ['commit', '-qam', 'Other: daily'], other);
    expect(
      (await plainGit(stack, ['push', '-q', 'origin', 'main'], other)).code
    ).toBe(0);

    writeFileSync(path.join(repoDir(), 'README.md'), '# Mine\n');
    await service.stage('project', ['README.md']);
    const mine = await service.commit('project', 'Mine: readme');
    writeFileSync(notebook(), `${readFileSync(notebook(), 'utf8')}\n`);

    const rejected = await refusal(messages, service.push('project'));
    expect(rejected.code).toBe('conflict');
    expect(rejected.hint).toMatch(/pull first/);
    const diverged = await refusal(messages, service.pull('project'));
    expect(diverged.code).toBe('conflict');
    expect(diverged.message).toMatch(/cannot fast-forward/);

    const status = await service.status('project');
    expect(status.head).toBe(mine.commit);
    expect(status.files.map(f => f.path)).toEqual(['notebooks/orders.ipynb']);
    expect(readFileSync(path.join(repoDir(), 'README.md'), 'utf8')).toBe(
      '# Mine\n'
    );
    expect(readFileSync(path.join(repoDir(), 'sql', 'daily.sql'), 'utf8')).toBe(
      'SELECT 1 AS one\n'
    );
    expect(status.behind).toBe(1);
    expect(status.ahead).toBe(1);
  });

  it('a fast-forward pull keeps unrelated changes and refuses to overwrite related ones', async () => {
    const fresh = path.join(workspace, 'fresh');
    await service.clone(stack.env.ARCADE_GIT_REMOTE ?? '', 'fresh', undefined);
    const other = path.join(stack.tmp, 'other');
    writeFileSync(path.join(other, 'sql', 'daily.sql'), 'SELECT 3 AS three\n');
    writeFileSync(path.join(other, 'sql', 'weekly.sql'), 'SELECT 7\n');
    await plainGit(stack, ['add', '-A'], other);
    await plainGit(stack, ['commit', '-qm', 'Other: weekly'], other);
    expect(
      (await plainGit(stack, ['push', '-q', 'origin', 'main'], other)).code
    ).toBe(0);

    writeFileSync(path.join(fresh, 'sql', 'daily.sql'), 'SELECT 99 -- mine\n');
    const overwrite = await refusal(messages, service.pull('fresh'));
    expect(overwrite.code).toBe('conflict');
    expect(overwrite.message).toContain('sql/daily.sql');
    expect(readFileSync(path.join(fresh, 'sql', 'daily.sql'), 'utf8')).toBe(
      'SELECT 99 -- mine\n'
    );

    await service.discard('fresh', ['sql/daily.sql']);
    writeFileSync(path.join(fresh, 'README.md'), '# Local edit\n');
    const pulled = await service.pull('fresh');
    expect(pulled.changedFiles).toBe(2);
    expect(readFileSync(path.join(fresh, 'sql', 'weekly.sql'), 'utf8')).toBe(
      'SELECT 7\n'
    );
    expect(readFileSync(path.join(fresh, 'README.md'), 'utf8')).toBe(
      '# Local edit\n'
    );
    const status = await service.status('fresh');
    expect(status.files.map(f => [f.path, f.unstaged])).toEqual([
      ['README.md', 'modified']
    ]);
    expect(status.behind).toBe(0);
  });

  it('creates branches and refuses to switch with uncommitted changes, naming the files', async () => {
    const created = await service.createBranch(
      'fresh',
      'feature/x',
      undefined,
      false
    );
    expect(created.local).toEqual(['feature/x', 'main']);
    const refused = await refusal(
      messages,
      service.checkout('fresh', 'feature/x')
    );
    expect(refused.code).toBe('refused');
    expect(refused.message).toContain('README.md');
    await service.discard('fresh', ['README.md']);
    const switched = await service.checkout('fresh', 'feature/x');
    expect(switched.branch).toBe('feature/x');
  });

  it('says clearly when the token is refused or the server is unreachable, and never shows a secret', async () => {
    const url = new URL(stack.env.ARCADE_GIT_REMOTE ?? '');
    url.password = 'expired-token-123456';
    const expired = new GitService(workspace, {
      ...stack.env,
      ARCADE_GIT_REMOTE: url.href
    });
    const refused = await refusal(messages, expired.pull('project'));
    expect(refused.code).toBe('unauthorized');
    expect(refused.hint).toMatch(/expired/);
    const anonymous = new GitService(workspace, {}, new GitCredentials({}));
    expect(
      (await refusal(messages, anonymous.pull('project'))).message
    ).toMatch(/refused anonymous access/);
    const down = new URL(stack.env.ARCADE_GIT_REMOTE ?? '');
    down.port = '1';
    const unreachable = await refusal(
      messages,
      new GitService(workspace, {
        ...stack.env,
        ARCADE_GIT_REMOTE: down.href
      }).clone(down.href, 'never', undefined)
    );
    expect(unreachable.code).toBe('upstream');
    expect(existsSync(path.join(workspace, 'never'))).toBe(false);
    const texts = messages.join('\n');
    for (const secret of [...stack.secrets, 'expired-token-123456']) {
      expect(texts).not.toContain(secret);
    }
  });
});
