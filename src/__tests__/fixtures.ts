import type {
  CompiledStageInfo,
  CompileResponse,
  HealthResponse,
  LintDiagnostic
} from 'arcade-engine';
import { nullTranslator } from '@jupyterlab/translation';

export function makeHealth(
  overrides: Partial<HealthResponse> = {}
): HealthResponse {
  return {
    status: 'ok',
    version: '0.1.0',
    arcKernel: { installed: true, name: 'arc', displayName: 'Arc' },
    backends: {
      s3: { configured: true, endpoint: 'http://127.0.0.1:9010' },
      git: { configured: false, remote: null }
    },
    ...overrides
  };
}

export const trans = nullTranslator.load('jupyterlab_arcade');

export function info(
  index: number,
  cell: number,
  overrides: Partial<CompiledStageInfo> = {}
): CompiledStageInfo {
  return {
    index,
    cell,
    codeCell: cell,
    magic: '%sql',
    type: 'SQLTransform',
    location: { cell, line: 1, column: 1 },
    jobLine: 1,
    fields: {},
    kind: 'sql',
    environments: ['dev', 'test'],
    ...overrides
  };
}

export const COMPILED: CompileResponse = {
  job: {
    stages: [
      {
        type: 'DelimitedExtract',
        name: 'extract customers',
        outputView: 'customers_raw',
        environments: ['dev', 'prod']
      },
      {
        type: 'SQLTransform',
        name: 'clean',
        outputView: 'customers',
        environments: ['dev']
      },
      { type: 'SQLTransform', name: 'typo', environments: [''] }
    ],
    plugins: { config: [], lifecycle: [] }
  },
  stages: [
    info(0, 1, {
      magic: null,
      kind: 'hocon',
      type: 'DelimitedExtract',
      environments: ['dev', 'prod']
    }),
    info(1, 2, { environments: ['dev'] }),
    info(2, 4, { magic: '%sqlvaildate', environments: [''] })
  ],
  plugins: { config: [], lifecycle: [] },
  ignored: [{ cell: 0, reason: 'not-code', magic: null }],
  unresolved: []
};

export function diagnostic(
  cell: number,
  severity: LintDiagnostic['severity'],
  overrides: Partial<LintDiagnostic> = {}
): LintDiagnostic {
  return {
    file: 'notebooks/a.ipynb',
    cell,
    line: 1,
    column: 1,
    severity,
    code: 'undefined-view',
    message: 'Table or view not found',
    ...overrides
  };
}
