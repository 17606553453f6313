/** Where a publish refused for lint errors points: the first "<file>.ipynb cell N line L". */
export interface IPublishProblem {
  path: string;
  /** Cell index from 0. */
  cell: number;
  /** Line from 1. */
  line: number;
}

const PROBLEM = /(\S+\.ipynb) cell (\d+) line (\d+)/;

/** The first notebook location in the bridge's refusal, or null when it names none. */
export function firstProblem(message: string): IPublishProblem | null {
  const match = PROBLEM.exec(message);
  if (match === null) {
    return null;
  }
  return {
    path: match[1] ?? '',
    cell: Number(match[2]) - 1,
    line: Number(match[3])
  };
}
