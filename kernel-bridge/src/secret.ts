import { inspect } from 'node:util';
import { timingSafeEqual } from 'node:crypto';

const REDACTED = '[redacted]';

/**
 * Holds a secret value so that serializing, printing or inspecting whatever
 * contains it shows `[redacted]`; only `equals` and `reveal` see the value.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  /** Constant-time comparison with a candidate from a request. */
  equals(candidate: string): boolean {
    const a = Buffer.from(this.#value, 'utf8');
    const b = Buffer.from(candidate, 'utf8');
    return a.length === b.length && timingSafeEqual(a, b);
  }

  reveal(): string {
    return this.#value;
  }

  toJSON(): string {
    return REDACTED;
  }

  toString(): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}
