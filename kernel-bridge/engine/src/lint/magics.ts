/**
 * Magics: Arc matches them by prefix, so a misspelt stage magic silently
 * becomes another stage type, and an unknown one is skipped by jobs.
 * Codes: unknown-magic, and nondeterministic-sql for values set by `%env`.
 */
import { nondeterministicCalls } from '../sql';
import type { CompiledStageInfo, CompileResponse } from '../types';
import { advance, type Linter } from './linter';
import { didYouMean, suggestion } from './suggest';

const STAGE_MAGICS: Readonly<Record<string, string>> = {
  '%arc': 'a HOCON stage',
  '%sql': 'SQLTransform',
  '%sqlvalidate': 'SQLValidate',
  '%log': 'LogExecute',
  '%configexecute': 'ConfigExecute',
  '%metadatafilter': 'MetadataFilterTransform',
  '%metadatavalidate': 'MetadataValidate'
};

const OTHER_MAGICS = [
  '%configplugin',
  '%lifecycleplugin',
  '%env',
  '%conf',
  '%schema',
  '%printschema',
  '%metadata',
  '%printmetadata',
  '%list',
  '%secret',
  '%version',
  '%help'
];

const ALL_MAGICS = [...Object.keys(STAGE_MAGICS), ...OTHER_MAGICS];

/** A stage cell whose magic only starts like a stage magic. */
export function checkMagic(linter: Linter, stage: CompiledStageInfo): void {
  if (stage.magic === null) {
    return;
  }
  const magic = stage.magic.toLowerCase();
  if (magic in STAGE_MAGICS) {
    return;
  }
  const runsAs = stage.type ?? 'a stage';
  const meant = didYouMean(magic, ALL_MAGICS);
  const meantWhat =
    meant !== null && meant in STAGE_MAGICS
      ? ` Did you mean "${meant}" (${STAGE_MAGICS[meant] ?? ''})?`
      : suggestion(magic, ALL_MAGICS);
  const validates =
    meant !== null && /validate$/.test(meant) && !/Validate$/.test(runsAs)
      ? ' and validates nothing'
      : '';
  linter.add(
    stage.location,
    'error',
    'unknown-magic',
    `"${stage.magic}" is not an Arc magic: Arc matches magics by prefix, so this cell runs as a ${runsAs}${validates}.${meantWhat}`
  );
}

/**
 * Cells a job skips: an unknown magic is a mistake, and `%env` values that
 * change on every run only exist in the notebook.
 */
export function checkIgnoredMagics(
  linter: Linter,
  compiled: CompileResponse,
  sources: readonly (string | null)[] | undefined
): void {
  for (const ignored of compiled.ignored) {
    if (ignored.reason !== 'interactive-magic' || ignored.magic === null) {
      continue;
    }
    const magic = ignored.magic.toLowerCase();
    const at = { cell: ignored.cell, line: 1, column: 1 };
    if (!ALL_MAGICS.includes(magic) && !ALL_MAGICS.includes(ignored.magic)) {
      linter.add(
        at,
        'warning',
        'unknown-magic',
        `"${ignored.magic}" is not an Arc magic: a job skips the cell, so what it was meant to do never happens.${suggestion(magic, ALL_MAGICS)}`
      );
    } else if (magic === '%env') {
      const source = sources?.[ignored.cell] ?? '';
      for (const call of nondeterministicCalls(source)) {
        linter.add(
          advance(at, source, call.start),
          'warning',
          'nondeterministic-sql',
          `${call.name}() gives a different value on every run, and %env only applies in the notebook: a job takes the variable from --NAME=value or the environment. Pass a fixed value (e.g. the run's logical date) when the job is started.`
        );
      }
    }
  }
}
