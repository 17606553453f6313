/**
 * The bridge-side reader of the SQL files stages name in `inputURI` (behind
 * POST /api/stages/sql-files and `arcade lint`), on real files.
 */
import { execFileSync } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MAX_SQL_FILES } from 'arcade-engine';
import {
  cliSqlFileAccess,
  MAX_SQL_TOTAL_BYTES,
  readSqlFiles
} from '../../src/stages/service';

let workspace: string;

beforeEach(() => {
  workspace = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'arcade-sqlr-')));
  mkdirSync(path.join(workspace, 'sql'));
});

afterEach(() => {
  rmSync(workspace, { recursive: true, force: true });
});

function read(...uris: string[]) {
  return readSqlFiles(uris, cliSqlFileAccess(workspace, {}, {}));
}

function reasons(files: Awaited<ReturnType<typeof read>>): (string | null)[] {
  return files.map(file => (file.text === null ? file.reason : null));
}

describe('readSqlFiles', () => {
  it('never reads a hidden file or a file in a hidden folder', async () => {
    for (const dir of ['.git', path.join('sql', '.private')]) {
      mkdirSync(path.join(workspace, dir), { recursive: true });
      writeFileSync(path.join(workspace, dir, 'a.sql'), 'SELECT 1');
    }
    writeFileSync(path.join(workspace, 'sql', '.env.sql'), 'SELECT 1');
    symlinkSync(
      path.join(workspace, '.git'),
      path.join(workspace, 'sql', 'visible')
    );
    const hidden = 'a hidden file or folder (its name starts with ".")';
    expect(
      reasons(
        await read(
          `${workspace}/.git/a.sql`,
          `file://${workspace}/sql/.private/a.sql`,
          `${workspace}/sql/.env.sql`,
          `${workspace}/sql/visible/a.sql`
        )
      )
    ).toEqual([hidden, hidden, hidden, hidden]);
  });

  it('refuses a FIFO without waiting for a writer', async () => {
    execFileSync('mkfifo', [path.join(workspace, 'sql', 'pipe.sql')]);
    expect(reasons(await read(`${workspace}/sql/pipe.sql`))).toEqual([
      'not a regular file'
    ]);
  }, 3000);

  it(`reads at most ${MAX_SQL_FILES} files per call, a file named twice counting once`, async () => {
    const uris = Array.from({ length: MAX_SQL_FILES + 1 }, (_, i) => {
      writeFileSync(path.join(workspace, 'sql', `${i}.sql`), `SELECT ${i}`);
      return `${workspace}/sql/${i}.sql`;
    });
    symlinkSync(
      path.join(workspace, 'sql', '0.sql'),
      path.join(workspace, 'sql', 'again.sql')
    );
    const files = await read(
      ...uris,
      `file://${workspace}/sql/again.sql`,
      `${workspace}/sql/./0.sql`
    );
    expect(reasons(files.slice(0, MAX_SQL_FILES))).toEqual(
      Array(MAX_SQL_FILES).fill(null)
    );
    expect(reasons(files.slice(MAX_SQL_FILES))).toEqual([
      `not read: one request reads at most ${MAX_SQL_FILES} files`,
      null,
      null
    ]);
    expect(files.at(-1)).toMatchObject({ text: 'SELECT 0' });
  });

  it('reads at most 8 MiB of SQL per call', async () => {
    const size = 1024 * 1024 - 16;
    const count = Math.ceil(MAX_SQL_TOTAL_BYTES / size);
    const uris = Array.from({ length: count }, (_, i) => {
      writeFileSync(
        path.join(workspace, 'sql', `${i}.sql`),
        `-- ${'x'.repeat(size - 3)}`
      );
      return `${workspace}/sql/${i}.sql`;
    });
    const files = await read(...uris);
    expect(reasons(files)).toEqual([
      ...Array.from({ length: count - 1 }, () => null),
      'not read: one request reads at most 8 MiB of SQL'
    ]);
  });
});
