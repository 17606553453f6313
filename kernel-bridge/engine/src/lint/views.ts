/**
 * Views across stages (codes undefined-view, view-redefined, duplicate-id):
 * Arc runs stages in order, so a stage may only read what an earlier one made.
 */
import { INPUT_VIEW_KEYS, OUTPUT_VIEW_KEYS } from '../stageKeys';
import type { CompiledStageInfo, JsonObject } from '../types';
import { fieldAt, isSubst, type Linter } from './linter';
import type { ViewRead } from './sql';
import { suggestion } from './suggest';

/** The views and stage ids the stages so far have created, checked stage by stage. */
export class ViewScope {
  private readonly views = new Map<string, number>();
  private readonly ids = new Map<string, number>();

  constructor(private readonly linter: Linter) {}

  /** The views a stage reads by key (`inputView` and the like). */
  static keyReads(stage: CompiledStageInfo, json: JsonObject): ViewRead[] {
    const reads: ViewRead[] = [];
    for (const key of INPUT_VIEW_KEYS) {
      const value = json[key];
      if (typeof value === 'string') {
        reads.push({ name: value, at: fieldAt(stage, key) });
      }
    }
    return reads;
  }

  checkId(stage: CompiledStageInfo, json: JsonObject, index: number): void {
    if (typeof json.id !== 'string') {
      return;
    }
    const first = this.ids.get(json.id);
    if (first !== undefined) {
      this.linter.add(
        fieldAt(stage, 'id'),
        'error',
        'duplicate-id',
        `stage id "${json.id}" is already used by stage ${first + 1}: Arc reports both under one id, so logs and lineage mix them up. Give each stage its own id.`
      );
    } else {
      this.ids.set(json.id, index);
    }
  }

  checkReads(reads: readonly ViewRead[]): void {
    for (const read of reads) {
      if (!this.views.has(read.name.toLowerCase())) {
        this.linter.add(
          read.at,
          'error',
          'undefined-view',
          `${read.prefix ?? ''}no earlier stage creates the view "${read.name}" and it is not a known table: Spark fails the stage with "Table or view not found".${suggestion(read.name, this.views.keys())} Create it in an earlier stage or fix the name.`,
          read.end
        );
      }
    }
  }

  /** Records the views a stage creates: by key, and by CREATE VIEW/TABLE in its SQL. */
  addOutputs(
    stage: CompiledStageInfo,
    json: JsonObject,
    index: number,
    creates: readonly string[]
  ): void {
    for (const key of OUTPUT_VIEW_KEYS) {
      const value = json[key];
      if (typeof value !== 'string' || isSubst(value)) {
        continue;
      }
      const name = value.toLowerCase();
      const first = this.views.get(name);
      if (first !== undefined) {
        this.linter.add(
          fieldAt(stage, key),
          'warning',
          'view-redefined',
          `view "${value}" is already created by stage ${first + 1}: Arc replaces it, so later stages see only this one. Use a new name if both are needed.`
        );
      } else {
        this.views.set(name, index);
      }
    }
    for (const created of creates) {
      if (!this.views.has(created.toLowerCase())) {
        this.views.set(created.toLowerCase(), index);
      }
    }
  }
}
