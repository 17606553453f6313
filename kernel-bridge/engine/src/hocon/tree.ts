/**
 * The tree from what the parser read: a value's pieces joined by HOCON's
 * concatenation rules, and fields set by path, merged as duplicate keys are.
 */
import type { HoconArray, HoconNode, HoconObject } from './ast';
import { HoconError } from './error';
import { isNumber } from './lexical';

type Piece = HoconNode | { kind: 'unquoted'; offset: number; text: string };

export type ValuePiece =
  Piece | { kind: 'space'; offset: number; text: string };

function pieceEnd(piece: ValuePiece): number {
  return piece.kind === 'unquoted' || piece.kind === 'space'
    ? piece.offset + piece.text.length
    : piece.end;
}

function simpleText(piece: ValuePiece): string | null {
  switch (piece.kind) {
    case 'unquoted':
    case 'space':
      return piece.text;
    case 'string':
      return piece.value;
    default:
      return null;
  }
}

function fromUnquoted(offset: number, text: string): HoconNode {
  const end = offset + text.length;
  if (text === 'true' || text === 'false') {
    return { kind: 'boolean', offset, end, value: text === 'true' };
  }
  if (text === 'null') {
    return { kind: 'null', offset, end };
  }
  if (isNumber(text)) {
    return { kind: 'number', offset, end, value: Number(text), raw: text };
  }
  return { kind: 'string', offset, end, value: text };
}

/** Applies HOCON's concatenation rules to the pieces of one value. */
export function concatenate(pieces: ValuePiece[]): HoconNode | null {
  const first = pieces[0];
  if (first === undefined) {
    return null;
  }
  if (pieces.length === 1) {
    if (first.kind === 'unquoted') {
      return fromUnquoted(first.offset, first.text);
    }
    if (first.kind !== 'space') {
      return first;
    }
  }
  const end = pieceEnd(pieces[pieces.length - 1] ?? first);
  const values = pieces.filter(p => p.kind !== 'space');
  const structured = values.some(
    p => p.kind === 'object' || p.kind === 'array'
  );
  if (structured) {
    const objects = values.every(
      p => p.kind === 'object' || p.kind === 'substitution'
    );
    const arrays = values.every(
      p => p.kind === 'array' || p.kind === 'substitution'
    );
    if (!objects && !arrays) {
      throw new HoconError(
        'cannot concatenate an object or array with a string, number or boolean',
        first.offset
      );
    }
    if (values.every(p => p.kind === 'object')) {
      let merged = values[0] as HoconObject;
      for (const next of values.slice(1)) {
        merged = mergeObjects(merged, next);
      }
      return merged;
    }
    if (values.every(p => p.kind === 'array')) {
      return {
        kind: 'array',
        offset: first.offset,
        end,
        items: values.flatMap(p => p.items)
      };
    }
    return {
      kind: 'concatenation',
      offset: first.offset,
      end,
      parts: values
    };
  }
  const parts: HoconNode[] = [];
  let text = '';
  let textOffset = first.offset;
  let textEnd = first.offset;
  let hasText = false;
  for (const piece of pieces) {
    const pieceText = piece.kind === 'number' ? piece.raw : simpleTextOf(piece);
    if (pieceText !== null) {
      if (!hasText) {
        textOffset = piece.offset;
      }
      text += pieceText;
      textEnd = pieceEnd(piece);
      hasText = true;
    } else {
      if (hasText) {
        parts.push({
          kind: 'string',
          offset: textOffset,
          end: textEnd,
          value: text
        });
        text = '';
        hasText = false;
      }
      parts.push(piece as HoconNode);
    }
  }
  if (hasText) {
    parts.push({
      kind: 'string',
      offset: textOffset,
      end: textEnd,
      value: text
    });
  }
  const only = parts[0];
  if (parts.length === 1 && only !== undefined) {
    return only;
  }
  return { kind: 'concatenation', offset: first.offset, end, parts };
}

function simpleTextOf(piece: ValuePiece): string | null {
  if (piece.kind === 'boolean') {
    return String(piece.value);
  }
  if (piece.kind === 'null') {
    return 'null';
  }
  return simpleText(piece);
}

/** Merges `later` into `earlier` as a duplicate key does: objects merge, others replace. */
export function mergeObjects(
  earlier: HoconObject,
  later: HoconObject
): HoconObject {
  const fields = new Map(earlier.fields);
  for (const [key, field] of later.fields) {
    const existing = fields.get(key);
    if (existing?.value.kind === 'object' && field.value.kind === 'object') {
      fields.set(key, {
        keyOffset: field.keyOffset,
        keyEnd: field.keyEnd,
        value: mergeObjects(existing.value, field.value)
      });
    } else {
      fields.set(key, field);
    }
  }
  return {
    kind: 'object',
    offset: earlier.offset,
    end: later.end,
    fields,
    members: [...earlier.members, ...later.members]
  };
}

export function insertField(
  object: HoconObject,
  path: string[],
  value: HoconNode,
  append: boolean,
  keyOffset: number,
  keyEnd: number
): void {
  let target = object;
  for (const segment of path.slice(0, -1)) {
    const existing = target.fields.get(segment);
    if (existing?.value.kind === 'object') {
      target = existing.value;
    } else {
      const child: HoconObject = {
        kind: 'object',
        offset: keyOffset,
        end: value.end,
        fields: new Map(),
        members: []
      };
      target.fields.set(segment, { keyOffset, keyEnd, value: child });
      target = child;
    }
  }
  const last = path[path.length - 1] ?? '';
  const existing = target.fields.get(last);
  let next = value;
  if (append) {
    const element: HoconArray = {
      kind: 'array',
      offset: value.offset,
      end: value.end,
      items: [value]
    };
    if (existing === undefined) {
      next = element;
    } else if (existing.value.kind === 'array') {
      next = {
        ...existing.value,
        end: value.end,
        items: [...existing.value.items, value]
      };
    } else {
      next = {
        kind: 'concatenation',
        offset: existing.value.offset,
        end: value.end,
        parts: [existing.value, element]
      };
    }
  } else if (existing?.value.kind === 'object' && value.kind === 'object') {
    next = mergeObjects(existing.value, value);
  }
  target.fields.set(last, { keyOffset, keyEnd, value: next });
}
