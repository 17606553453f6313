/**
 * The HOCON syntax tree. Every node keeps where its text starts and ends in
 * the parsed text, so that callers can point users at the exact spot and
 * editors can replace a value without touching its neighbours.
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
  /** Offset just past that key. */
  keyEnd: number;
  value: HoconNode;
}

/** One field as written between an object's braces, duplicates and paths included. */
export interface HoconMember {
  /** The key as a path: `a.b` is ["a", "b"], `"a.b"` is ["a.b"]. */
  path: string[];
  keyOffset: number;
  /** Offset just past the key. */
  keyEnd: number;
  /** null for `key { … }`, which needs none. */
  separator: ':' | '=' | '+=' | null;
  /** The value as written (before `+=` or merging with other members). */
  value: HoconNode;
}

export interface HoconObject {
  kind: 'object';
  offset: number;
  /** Offset just past the closing brace (the end of the text for a root without braces). */
  end: number;
  fields: Map<string, HoconField>;
  /**
   * The fields in source order as written in this object's braces (or in
   * each of the braces a concatenation merged); empty for the objects a
   * path key such as `a.b = 1` implies.
   */
  members: HoconMember[];
}

export interface HoconArray {
  kind: 'array';
  offset: number;
  /** Offset just past the value's text. */
  end: number;
  items: HoconNode[];
}

export interface HoconString {
  kind: 'string';
  offset: number;
  /** Offset just past the value's text. */
  end: number;
  value: string;
}

export interface HoconNumber {
  kind: 'number';
  offset: number;
  /** Offset just past the value's text. */
  end: number;
  value: number;
  /** The number as written; Typesafe Config's getString returns this text. */
  raw: string;
}

export interface HoconBoolean {
  kind: 'boolean';
  offset: number;
  /** Offset just past the value's text. */
  end: number;
  value: boolean;
}

export interface HoconNull {
  kind: 'null';
  offset: number;
  /** Offset just past the value's text. */
  end: number;
}

/** `${path}` or `${?path}`, kept unresolved until values are supplied. */
export interface HoconSubstitution {
  kind: 'substitution';
  offset: number;
  /** Offset just past the value's text. */
  end: number;
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
  /** Offset just past the value's text. */
  end: number;
  parts: HoconNode[];
}
