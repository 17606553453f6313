import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ArcadeError, parseVar } from 'arcade-engine';
import {
  arcCommand,
  arcRuntime,
  checkEnvironment,
  checkVars,
  ENV_CREDENTIALS_PROVIDER
} from '../../src/runs/runtime';
import { workspaceNotebook } from '../../src/runs/routes';

const s3 = {
  kernelspecDirs: [] as string[],
  s3: {
    endpoint: 'http://127.0.0.1:9010',
    region: 'us-east-1',
    artifactBucket: 'a',
    lakeBucket: 'l'
  }
};

let root: string;

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'arcade-runtime-'));
  mkdirSync(path.join(root, '.cache', 'arc', 'jars'), { recursive: true });
  writeFileSync(path.join(root, '.cache', 'arc', 'jars', 'arc.jar'), '');
  mkdirSync(path.join(root, '.cache', 'arc', 'plugins'));
  mkdirSync(path.join(root, 'ws', 'nb'), { recursive: true });
  writeFileSync(path.join(root, 'ws', 'nb', 'a.ipynb'), '{}');
  writeFileSync(path.join(root, 'outside.ipynb'), '{}');
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('arcRuntime', () => {
  it('uses the classpath the installed arc kernelspec records', () => {
    const kernels = path.join(root, 'kernels');
    mkdirSync(path.join(kernels, 'arc'), { recursive: true });
    writeFileSync(
      path.join(kernels, 'arc', 'kernel.json'),
      JSON.stringify({
        argv: ['java'],
        display_name: 'Arc',
        metadata: {
          arcade: { arcClasspath: '/opt/arc/jars/*:/opt/arc/plugins/*' }
        }
      })
    );
    const settings = {
      ...s3,
      kernelspecDirs: [path.join(root, 'none'), kernels]
    };
    expect(arcRuntime({}, settings, null).classpath).toBe(
      '/opt/arc/jars/*:/opt/arc/plugins/*'
    );
    expect(
      arcRuntime({ ARCADE_ARC_CLASSPATH: '/env/*' }, settings, null).classpath
    ).toBe('/env/*');
  });

  it("fills a relocatable kernelspec's {resource_dir} with its folder", () => {
    const kernels = path.join(root, 'relocatable');
    mkdirSync(path.join(kernels, 'arc'), { recursive: true });
    writeFileSync(
      path.join(kernels, 'arc', 'kernel.json'),
      JSON.stringify({
        argv: ['java'],
        metadata: {
          arcade: {
            arcClasspath:
              '{resource_dir}/../../arc/jars/*:{resource_dir}/../../arc/plugins/*'
          }
        }
      })
    );
    const settings = { ...s3, kernelspecDirs: [kernels] };
    const dir = path.join(kernels, 'arc');
    expect(arcRuntime({}, settings, null).classpath).toBe(
      `${dir}/../../arc/jars/*:${dir}/../../arc/plugins/*`
    );
  });

  it('uses the checkout jars and plugins, state dir and the S3 endpoint', () => {
    const runtime = arcRuntime({ ARCADE_STATE_DIR: '/state' }, s3, root);
    expect(runtime.classpath).toBe(
      `${root}/.cache/arc/jars/*:${root}/.cache/arc/plugins/*`
    );
    expect(runtime.warehouseDir).toBe('/state/spark-warehouse');
    expect(runtime.workDir).toBe('/state/runs');
    expect(runtime.s3Endpoint).toBe('http://127.0.0.1:9010');
  });

  it('prefers ARCADE_ARC_CLASSPATH and says how to get the jars when missing', () => {
    expect(
      arcRuntime({ ARCADE_ARC_CLASSPATH: '/opt/arc/*' }, s3, null).classpath
    ).toBe('/opt/arc/*');
    expect(() => arcRuntime({}, s3, path.join(root, 'nowhere'))).toThrow(
      /no jars in .*make arc-jars|no jars in/
    );
    expect(() => arcRuntime({}, s3, null)).toThrow(ArcadeError);
  });
});

describe('arcCommand', () => {
  const runtime = () => arcRuntime({ ARCADE_STATE_DIR: '/state' }, s3, root);
  const request = {
    notebookFile: '/ws/my nb.ipynb',
    environment: 'dev',
    vars: { ETL_CONF_LAKE: 's3a://lake' },
    jobId: 'arcade-1'
  };

  it("runs Arc's main class with the notebook, environment, job id and vars", () => {
    const { command, args, fileArgs } = arcCommand(runtime(), request, {
      credentialsInEnvironment: true
    });
    expect(command).toBe('java');
    expect(fileArgs).toEqual([
      'ai.tripl.arc.ARC',
      '--etl.config.uri=file:///ws/my%20nb.ipynb',
      '--etl.config.environment=dev',
      '--etl.config.job.id=arcade-1',
      '--ETL_CONF_LAKE=s3a://lake'
    ]);
    // The command line every user can read: no --var value on it.
    expect(args.join(' ')).not.toContain('s3a://lake');
    expect(args).toEqual(
      expect.arrayContaining([
        '-Dspark.driver.bindAddress=127.0.0.1',
        '-Dspark.driver.host=127.0.0.1'
      ])
    );
    expect(args).toContain(
      '-Dspark.sql.extensions=io.delta.sql.DeltaSparkSessionExtension'
    );
    expect(args).toContain('-Dspark.sql.warehouse.dir=/state/spark-warehouse');
    expect(args).toContain(
      '-Dspark.hadoop.fs.s3a.endpoint=http://127.0.0.1:9010'
    );
    expect(args).toContain(
      `-Dspark.hadoop.fs.s3a.aws.credentials.provider=${ENV_CREDENTIALS_PROVIDER}`
    );
    expect(args.join(' ')).not.toMatch(/secret|access\.key/i);
  });

  it('leaves the credentials provider to Arc when the bridge has none to pass', () => {
    const { args } = arcCommand(runtime(), request, {
      credentialsInEnvironment: false
    });
    expect(args.join(' ')).not.toContain('credentials.provider');
  });
});

describe('run input checks', () => {
  it('parses --var and refuses bad names, reserved names, line breaks, quotes and backslashes', () => {
    expect(parseVar('A=b=c')).toEqual(['A', 'b=c']);
    expect(() => parseVar('=x')).toThrow(/invalid --var "=x"/);
    expect(() => {
      checkVars({ 'bad name': 'x' });
    }).toThrow(/invalid variable/);
    expect(() => {
      checkVars({ 'etl.config.uri': 'x' });
    }).toThrow(/reserved/);
    expect(() => {
      checkVars({ A: 'x\ny' });
    }).toThrow(/line break/);
    // Arc 3.7 removes backslashes and reads its arguments as HOCON.
    expect(() => {
      checkVars({ A: 'say "hi"' });
    }).toThrow(/double quote/);
    expect(() => {
      checkVars({ A: 'C:\\data' });
    }).toThrow(/backslash/);
    expect(() => {
      checkVars({ ETL_CONF_X: "ok'; $(id) `x`", 'a.b': 'ok' });
    }).not.toThrow();
  });

  it('accepts plain environment names only', () => {
    expect(() => {
      checkEnvironment('dev');
    }).not.toThrow();
    expect(() => {
      checkEnvironment('--x');
    }).toThrow(/invalid environment/);
    expect(() => {
      checkEnvironment('a b');
    }).toThrow(/invalid environment/);
  });

  it('keeps notebook paths inside the workspace', async () => {
    const ws = path.join(root, 'ws');
    await expect(workspaceNotebook(ws, 'nb/a.ipynb')).resolves.toBe(
      path.join(ws, 'nb', 'a.ipynb')
    );
    await expect(workspaceNotebook(ws, '../outside.ipynb')).rejects.toThrow(
      /inside the workspace/
    );
    await expect(workspaceNotebook(ws, '/etc/x.ipynb')).rejects.toThrow(
      /relative/
    );
    await expect(workspaceNotebook(ws, 'nb/a.txt')).rejects.toThrow(/\.ipynb/);
    await expect(workspaceNotebook(ws, 'nb/none.ipynb')).rejects.toMatchObject({
      code: 'not_found'
    });
  });
});
