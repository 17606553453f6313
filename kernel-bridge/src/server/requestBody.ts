/** Shapes of request bodies the routes share; each refusal is a 400 naming the field. */
import { ArcadeError, isRecord } from 'arcade-engine';

/** The body as a JSON object. */
export function jsonBody(value: unknown): Record<string, unknown> {
  if (!isRecord(value)) {
    throw new ArcadeError('bad_request', 'expected a JSON object');
  }
  return value;
}

/** A string field that may be absent (undefined, null or ""). */
export function optionalText(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null || value === '') {
    return undefined;
  }
  if (typeof value !== 'string') {
    throw new ArcadeError('bad_request', `"${name}" must be a string`);
  }
  return value;
}
