import { ArcadeError } from 'arcade-engine';
import { createHash } from 'node:crypto';
import {
  assetMatcher,
  checkLayoutName,
  currentKey,
  jobPath,
  kindOf,
  manifestKey,
  objectKey,
  type Layout
} from '../../src/publish/keys';
import {
  expectedEtag,
  MULTIPART_THRESHOLD,
  PART_SIZE
} from '../../src/publish/store';

const layout: Layout = { bucket: 'b', prefix: 'arcade', project: 'etl' };
const sha = 'a'.repeat(40);

describe('S3 keys of a published version', () => {
  it('places files, the manifest and current.json per the layout', () => {
    expect(objectKey(layout, sha, 'notebooks/orders.ipynb')).toBe(
      `arcade/etl/versions/${sha}/notebooks/orders.ipynb`
    );
    expect(manifestKey(layout, sha)).toBe(
      `arcade/etl/versions/${sha}/manifest.json`
    );
    expect(currentKey({ ...layout, prefix: '' })).toBe('etl/current.json');
    expect(jobPath('notebooks/orders.ipynb')).toBe(
      '.arcade/jobs/notebooks/orders.json'
    );
  });

  it.each([
    '',
    '/etc/passwd',
    '../x.sql',
    'a/../../b.sql',
    'a//b.sql',
    './a.sql',
    'a\\b.sql',
    'a\u0000.sql',
    'a\n.sql',
    'a\u007f.sql'
  ])('refuses %j as a key', file => {
    expect(() => objectKey(layout, sha, file)).toThrow(ArcadeError);
  });

  it('refuses keys over 1024 bytes and versions that are not full SHAs', () => {
    expect(() => objectKey(layout, sha, `${'é'.repeat(480)}.sql`)).toThrow(
      /longer than 1024 bytes/
    );
    expect(() => objectKey(layout, 'abc', 'a.sql')).toThrow(/not a version/);
  });

  it('accepts prefix and project names that are safe key parts only', () => {
    expect(
      checkLayoutName('/team/arcade/', 'ARCADE_ARTIFACT_PREFIX', true)
    ).toBe('team/arcade');
    expect(checkLayoutName('', 'ARCADE_ARTIFACT_PREFIX', true)).toBe('');
    for (const bad of ['..', 'a/../b', 'a b', 'ü', 'a//b']) {
      expect(() => checkLayoutName(bad, 'ARCADE_PROJECT', false)).toThrow(
        /not a valid S3 key part/
      );
    }
  });
});

describe('asset selection', () => {
  it('selects notebooks, SQL, JSON and conf by default and never .arcade/', () => {
    const match = assetMatcher([
      '**/*.ipynb',
      '**/*.sql',
      '**/*.json',
      '**/*.conf'
    ]);
    expect(
      [
        'a.ipynb',
        'x/y.sql',
        'schemas/s.json',
        'job.conf',
        'README.md',
        '.arcade/jobs/a.json',
        'img.png'
      ].filter(match)
    ).toEqual(['a.ipynb', 'x/y.sql', 'schemas/s.json', 'job.conf']);
    expect(kindOf('.arcade/jobs/a.json')).toBe('job');
    expect(kindOf('s.json')).toBe('schema');
    expect(kindOf('job.conf')).toBe('asset');
  });
});

describe('expected ETags, to skip what an interrupted publish already sent', () => {
  it('is the MD5 for one-piece uploads', () => {
    const content = new TextEncoder().encode('SELECT 1');
    expect(expectedEtag(content)).toBe(
      createHash('md5').update(content).digest('hex')
    );
  });

  it('is the MD5 of the part MD5s, dash, part count, for multipart uploads', () => {
    const content = new Uint8Array(MULTIPART_THRESHOLD + 10).fill(7);
    const parts = [content.subarray(0, PART_SIZE), content.subarray(PART_SIZE)];
    const joined = Buffer.concat(
      parts.map(part => createHash('md5').update(part).digest())
    );
    expect(expectedEtag(content)).toBe(
      `${createHash('md5').update(joined).digest('hex')}-2`
    );
  });
});
