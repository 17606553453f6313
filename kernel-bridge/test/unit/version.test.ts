import { readFileSync } from 'node:fs';
import path from 'node:path';
import { VERSION } from '../../src/version';

it('reports the version from package.json', () => {
  const pkg = JSON.parse(
    readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')
  ) as { version: string };
  expect(VERSION).toBe(pkg.version);
});
