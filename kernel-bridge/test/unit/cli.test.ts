import { runCli } from '../../src/cli';
import { VERSION } from '../../src/version';
import { MemoryOutput } from './helpers';

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
});
