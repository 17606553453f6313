/**
 * The HOCON syntax tree. Every node keeps the offset where it starts in the
 * parsed text so that callers can point users at the exact spot.
 */

export type HoconNode =
  | HoconObject
  | HoconArray
  | HoconString
  | HoconNumber
  | HoconBoolean
  | HoconNull
  | HoconSubstitution
  | HoconConcatenation;

export interface HoconField {
  /** Offset of the key that last set this field. */
  keyOffset: number;
  value: HoconNode;
}

export interface HoconObject {
  kind: 'object';
  offset: number;
  fields: Map<string, HoconField>;
}

export interface HoconArray {
  kind: 'array';
  offset: number;
  items: HoconNode[];
}

export interface HoconString {
  kind: 'string';
  offset: number;
  value: string;
}

export interface HoconNumber {
  kind: 'number';
  offset: number;
  value: number;
  /** The number as written; Typesafe Config's getString returns this text. */
  raw: string;
}

export interface HoconBoolean {
  kind: 'boolean';
  offset: number;
  value: boolean;
}

export interface HoconNull {
  kind: 'null';
  offset: number;
}

/** `${path}` or `${?path}`, kept unresolved until values are supplied. */
export interface HoconSubstitution {
  kind: 'substitution';
  offset: number;
  path: string[];
  /** The path as written between `${` (or `${?`) and `}`, trimmed. */
  expression: string;
  optional: boolean;
}

/**
 * A value concatenation that still contains a substitution, e.g.
 * `"s3a://"${LAKE}"/raw"`. Whitespace between simple values is kept as
 * string parts, as HOCON requires.
 */
export interface HoconConcatenation {
  kind: 'concatenation';
  offset: number;
  parts: HoconNode[];
}
