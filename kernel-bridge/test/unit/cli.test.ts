import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../../src/cli';
import { VERSION } from '../../src/version';
import { MemoryOutput } from './helpers';
import { notebook } from '../../engine/test/helpers';

function context(output: MemoryOutput) {
  return {
    env: {},
    cwd: '/tmp',
    output,
    selfCommand: ['node', 'arcade'],
    repoRoot: null
  };
}

describe('arcade CLI', () => {
  it('prints the version', async () => {
    const output = new MemoryOutput();
    expect(await runCli(['--version'], context(output))).toBe(0);
    expect(output.stdout.trim()).toBe(VERSION);
  });

  it('lists the commands in --help', async () => {
    const output = new MemoryOutput();
    expect(await runCli(['--help'], context(output))).toBe(0);
    expect(output.stdout).toContain('serve');
    expect(output.stdout).toContain('dev');
    expect(output.stdout).not.toContain('git-serve');
  });

  it('reports usage errors in one arcade: line with exit code 2', async () => {
    const output = new MemoryOutput();
    expect(await runCli(['frobnicate'], context(output))).toBe(2);
    expect(output.stderr).toMatch(/^arcade: unknown command 'frobnicate' — /);
  });

  it('needs --socket or --port to serve', async () => {
    const output = new MemoryOutput();
    expect(await runCli(['serve'], context(output))).toBe(2);
    expect(output.stderr).toContain(
      'arcade: serve needs exactly one of --socket or --port'
    );
  });

  it('refuses dev mode without ARCADE_DEV_TOKEN', async () => {
    const output = new MemoryOutput();
    expect(await runCli(['serve', '--port', '9999'], context(output))).toBe(2);
    expect(output.stderr).toContain('ARCADE_DEV_TOKEN');
  });

  it('rejects a port that is not a number', async () => {
    const output = new MemoryOutput();
    expect(await runCli(['dev', 'up', '--s3-port', 'x'], context(output))).toBe(
      2
    );
    expect(output.stderr).toContain('--s3-port must be a port number');
  });

  it('lints the SQL files stages read, taking --var before the environment', async () => {
    const workspace = mkdtempSync(path.join(os.tmpdir(), 'arcade-cli-'));
    mkdirSync(path.join(workspace, 'sql'));
    mkdirSync(path.join(workspace, 'old'));
    writeFileSync(
      path.join(workspace, 'sql', 'gate.sql'),
      'SELECT TRUE AS valid, "" AS message\nFROM changes'
    );
    writeFileSync(
      path.join(workspace, 'job.ipynb'),
      notebook([
        '{"type": "SQLValidate", "name": "gate", "environments": ["dev", "test", "prod"],\n "inputURI": ${ETL_CONF_SQL}"/gate.sql"}'
      ])
    );
    const output = new MemoryOutput();
    const code = await runCli(
      ['lint', 'job.ipynb', '--var', `ETL_CONF_SQL=file://${workspace}/sql`],
      {
        ...context(output),
        cwd: workspace,
        env: { ETL_CONF_SQL: `file://${workspace}/old` }
      }
    );
    expect(code).toBe(1);
    expect(output.stdout).toBe(
      'job.ipynb:1:2:14 error undefined-view gate.sql:2:6: no earlier stage creates the view "changes" and it is not a known table: Spark fails the stage with "Table or view not found". Create it in an earlier stage or fix the name.\n'
    );
  });
});
