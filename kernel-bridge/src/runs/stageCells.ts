/**
 * Which notebook cell each stage of a run came from.
 *
 * Arc's log names a running stage but not its cell; the compiler, which
 * reads cells exactly as Arc 3.7.0 does, knows both.
 */
import { compileNotebookJson, type CompileResponse } from 'arcade-engine';

/** A stage cell of a notebook, with what can be read without running Arc. */
export interface StageCell {
  /** Index among all cells of the notebook, the one the UI shows. */
  cellIndex: number;
  /** `name` of the stage, null when it cannot be read without HOCON resolution. */
  name: string | null;
  /** `environments` of the stage, null when not readable. */
  environments: string[] | null;
}

/**
 * The stage cells of a parsed `.ipynb`, in Arc's order, as the notebook
 * compiler reads them. A notebook that does not compile has none: Arc would
 * refuse it before running any stage.
 */
export function stageCells(notebook: unknown): StageCell[] {
  let compiled: CompileResponse;
  try {
    compiled = compileNotebookJson(notebook);
  } catch {
    return [];
  }
  return compiled.stages.map(stage => {
    const name = compiled.job.stages[stage.index]?.name;
    return {
      cellIndex: stage.cell,
      name: typeof name === 'string' ? name : null,
      environments: stage.environments
    };
  });
}

/**
 * Maps the stages of one run to cells. Arc runs the stage cells whose
 * environments include the run's, in order, so each started stage is the
 * next such cell with its name.
 */
export class CellLocator {
  constructor(
    private readonly cells: StageCell[],
    private readonly environment: string
  ) {}

  /** The cell of the next stage Arc started; advances past it. */
  nextStarted(name: string): number | null {
    for (let i = this.cursor; i < this.cells.length; i++) {
      const cell = this.cells[i];
      if (cell === undefined) {
        break;
      }
      const runs =
        cell.environments === null ||
        cell.environments.includes(this.environment);
      if (runs && (cell.name === null || cell.name === name)) {
        this.cursor = i + 1;
        return cell.cellIndex;
      }
    }
    return null;
  }

  /** The cell of a configuration error's `stageIndex` (counts every stage cell). */
  byStageIndex(stageIndex: number | null): number | null {
    if (stageIndex === null) {
      return null;
    }
    return this.cells[stageIndex]?.cellIndex ?? null;
  }

  private cursor = 0;
}
