/** Stage keys against what Arc 3.7.0 accepts per stage type (codes unknown-key, missing-key). */
import { STAGE_KEYS } from '../stageKeys';
import type { CompiledStageInfo, JsonObject } from '../types';
import { fieldAt, type Linter } from './linter';
import { suggestion } from './suggest';

export function checkKeys(
  linter: Linter,
  stage: CompiledStageInfo,
  json: JsonObject
): void {
  const spec = stage.type === null ? undefined : STAGE_KEYS[stage.type];
  if (spec === undefined) {
    return;
  }
  for (const key of Object.keys(json)) {
    if (!spec.allowed.has(key)) {
      linter.add(
        fieldAt(stage, key),
        'error',
        'unknown-key',
        `${stage.type ?? ''} has no key "${key}": Arc rejects the stage with "Invalid attribute".${suggestion(key, spec.allowed)} Otherwise remove it.`
      );
    }
  }
  for (const key of spec.required) {
    if (json[key] === undefined) {
      const interactive =
        key === 'outputView' && stage.kind === 'sql'
          ? ' It works in the notebook, where the kernel names the result for you, but fails as a job.'
          : '';
      const fix =
        stage.kind === 'hocon' || stage.kind === 'arc'
          ? `add "${key}": …`
          : `add ${key}=… to the magic line`;
      linter.add(
        stage.location,
        'error',
        'missing-key',
        `${stage.type ?? ''} needs "${key}": Arc fails the job with "Missing required attribute '${key}'".${interactive} Fix: ${fix}.`
      );
    }
  }
  for (const group of spec.oneOf) {
    if (!group.some(key => json[key] !== undefined)) {
      linter.add(
        stage.location,
        'error',
        'missing-key',
        `${stage.type ?? ''} needs one of ${group.map(k => `"${k}"`).join(' or ')}: Arc fails the job without it. Add one of them.`
      );
    }
  }
}
