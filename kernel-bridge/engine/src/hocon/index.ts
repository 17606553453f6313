export type * from './ast';
export { HoconError, LineIndex, type LineColumn } from './error';
export { parseHocon, DEFAULT_MAX_DEPTH, type ParseOptions } from './parser';
export {
  objectToJson,
  substitutionsOf,
  toJson,
  type JsonObject,
  type JsonValue,
  type ResolveOptions,
  type UnresolvedConcatenation,
  type UnresolvedSubstitution
} from './resolve';
