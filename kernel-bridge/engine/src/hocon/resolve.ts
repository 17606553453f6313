import type { HoconNode, HoconObject } from './ast';
import { HoconError } from './error';

import type { JsonObject, JsonValue } from '../types';

export type { JsonObject, JsonValue };

/**
 * An unresolved `${X}` / `${?X}`. `optional` is present only for `${?X}`.
 * A literal object written with a `$subst` key is indistinguishable; Arc
 * notebooks have no reason to write one.
 */
export interface UnresolvedSubstitution {
  $subst: string;
  optional?: true;
}

/** A concatenation with at least one unresolved part. */
export interface UnresolvedConcatenation {
  $concat: JsonValue[];
}

export interface ResolveOptions {
  /**
   * Values for substitutions, as Arc takes them from `--KEY=value`: always
   * strings, and looked up by the whole substitution path as one key.
   */
  vars?: Readonly<Record<string, string>>;
  /** The vars are all the values there are (see toJson). */
  complete?: boolean;
}

function isUnresolved(value: JsonValue | undefined): boolean {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    ('$subst' in value || '$concat' in value)
  );
}

function lookup(
  path: string[],
  vars: Readonly<Record<string, string>>
): string | undefined {
  const key = path[0];
  return path.length === 1 && key !== undefined && Object.hasOwn(vars, key)
    ? vars[key]
    : undefined;
}

function mergeJson(a: JsonObject, b: JsonObject): JsonObject {
  const out: JsonObject = { ...a };
  for (const [key, value] of Object.entries(b)) {
    const prior = out[key];
    out[key] =
      isPlainObject(prior) && isPlainObject(value)
        ? mergeJson(prior, value)
        : value;
  }
  return out;
}

function isPlainObject(value: JsonValue | undefined): value is JsonObject {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    !isUnresolved(value)
  );
}

function joinConcatenation(parts: JsonValue[], offset: number): JsonValue {
  if (parts.some(isUnresolved)) {
    // Neighbouring literal text is merged so the result stays readable.
    const merged: JsonValue[] = [];
    for (const part of parts) {
      const last = merged[merged.length - 1];
      if (typeof part === 'string' && typeof last === 'string') {
        merged[merged.length - 1] = last + part;
      } else {
        merged.push(part);
      }
    }
    return merged.length === 1 ? (merged[0] ?? null) : { $concat: merged };
  }
  if (parts.every(p => isPlainObject(p))) {
    return parts.reduce<JsonObject>((acc, p) => mergeJson(acc, p), {});
  }
  if (parts.every(p => Array.isArray(p))) {
    return parts.flatMap(p => p);
  }
  if (parts.every(p => p === null || typeof p !== 'object')) {
    return parts.map(p => (p === null ? 'null' : String(p))).join('');
  }
  throw new HoconError(
    'cannot concatenate an object or array with a string, number or boolean',
    offset
  );
}

/**
 * Converts a node to JSON, substituting supplied values. Without `complete`,
 * substitutions without a value stay as `{"$subst": …}`. With it, the vars are
 * taken as everything Arc will know: a missing `${?X}` disappears (from its
 * object, array or concatenation) and a missing `${X}` is an error.
 */
export function toJson(
  node: HoconNode,
  options: ResolveOptions = {}
): JsonValue {
  return resolveNode(node, options) ?? null;
}

function resolveNode(
  node: HoconNode,
  options: ResolveOptions
): JsonValue | undefined {
  switch (node.kind) {
    case 'object':
      return objectToJson(node, options);
    case 'array':
      return node.items.flatMap(item => {
        const value = resolveNode(item, options);
        return value === undefined ? [] : [value];
      });
    case 'string':
    case 'boolean':
    case 'number':
      return node.value;
    case 'null':
      return null;
    case 'substitution': {
      const value = lookup(node.path, options.vars ?? {});
      if (value !== undefined) {
        return value;
      }
      if (options.complete === true) {
        if (node.optional) {
          return undefined;
        }
        throw new HoconError(
          `no value for the substitution \${${node.expression}}`,
          node.offset
        );
      }
      return node.optional
        ? { $subst: node.expression, optional: true }
        : { $subst: node.expression };
    }
    case 'concatenation': {
      const parts = node.parts.flatMap(part => {
        const value = resolveNode(part, options);
        return value === undefined ? [] : [value];
      });
      return parts.length === 0
        ? undefined
        : joinConcatenation(parts, node.offset);
    }
  }
}

export function objectToJson(
  node: HoconObject,
  options: ResolveOptions = {}
): JsonObject {
  const out: JsonObject = {};
  for (const [key, field] of node.fields) {
    const value = resolveNode(field.value, options);
    if (value !== undefined) {
      out[key] = value;
    }
  }
  return out;
}

/** Every substitution expression in a node, in document order. */
export function substitutionsOf(
  node: HoconNode,
  into: Set<string> = new Set()
): Set<string> {
  switch (node.kind) {
    case 'object':
      for (const field of node.fields.values()) {
        substitutionsOf(field.value, into);
      }
      break;
    case 'array':
      node.items.forEach(item => substitutionsOf(item, into));
      break;
    case 'concatenation':
      node.parts.forEach(part => substitutionsOf(part, into));
      break;
    case 'substitution':
      into.add(node.expression);
      break;
    default:
      break;
  }
  return into;
}
