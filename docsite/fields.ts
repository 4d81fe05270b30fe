/**
 * Flattens a payload schema into the rows of a field table: one row per property at any depth,
 * with `$ref`s followed (a `$ref` already on the path is shown, not entered, so recursion ends).
 */
import type { DocsField } from './model.js';

type Schema = Record<string, unknown>;

/** Resolves a `$ref` written in `fromFile`: the target schema, the file it sits in, and a stable key. */
export type RefResolver = (fromFile: string, ref: string) => { file: string; key: string; schema: unknown };

const CONSTRAINTS = [
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'multipleOf',
  'minLength',
  'maxLength',
  'pattern',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minProperties',
  'maxProperties',
  'const',
  'default',
] as const;

const MAX_DEPTH = 12;

interface Place {
  file: string;
  pointer: string;
  /** `$ref` keys on the way here. */
  refs: ReadonlySet<string>;
}

export function flattenFields(schema: unknown, file: string, resolve: RefResolver): DocsField[] {
  const fields: DocsField[] = [];
  walkObject(schema, '', { file, pointer: '', refs: new Set() }, resolve, fields, 0);
  return fields;
}

function isSchema(value: unknown): value is Schema {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Follows `$ref` chains; returns the schema and where it sits. */
function deref(schema: unknown, place: Place, resolve: RefResolver): { schema: unknown; place: Place; cyclic: boolean } {
  let current = schema;
  let at = place;
  while (isSchema(current) && typeof current.$ref === 'string') {
    const target = resolve(at.file, current.$ref);
    if (at.refs.has(target.key)) return { schema: current, place: at, cyclic: true };
    const refs = new Set(at.refs).add(target.key);
    const hash = target.key.indexOf('#');
    at = { file: target.file, pointer: hash >= 0 ? target.key.slice(hash + 1) : '', refs };
    current = target.schema;
  }
  return { schema: current, place: at, cyclic: false };
}

function walkObject(schema: unknown, prefix: string, place: Place, resolve: RefResolver, out: DocsField[], depth: number): void {
  if (depth > MAX_DEPTH) return;
  const resolved = deref(schema, place, resolve);
  if (resolved.cyclic || !isSchema(resolved.schema)) return;
  const s = resolved.schema;
  const properties = isSchema(s.properties) ? s.properties : {};
  const required = new Set(Array.isArray(s.required) ? s.required.filter((name): name is string => typeof name === 'string') : []);
  for (const name of Object.keys(properties).sort()) {
    const path = prefix === '' ? name : `${prefix}.${name}`;
    const pointer = `${resolved.place.pointer}/properties/${escapePointer(name)}`;
    addField(properties[name], path, { ...resolved.place, pointer }, required.has(name), resolve, out, depth);
  }
  for (const keyword of ['allOf'] as const) {
    const parts = s[keyword];
    if (Array.isArray(parts)) {
      parts.forEach((part, index) =>
        walkObject(part, prefix, { ...resolved.place, pointer: `${resolved.place.pointer}/${keyword}/${index}` }, resolve, out, depth + 1),
      );
    }
  }
}

function addField(schema: unknown, path: string, place: Place, required: boolean, resolve: RefResolver, out: DocsField[], depth: number): void {
  const resolved = deref(schema, place, resolve);
  const s = isSchema(resolved.schema) ? resolved.schema : {};
  // A `$ref` with siblings (draft-07 ignores them, but people write descriptions there).
  const written = isSchema(schema) ? schema : {};
  const description = [written.description, s.description].find((text): text is string => typeof text === 'string');
  const types = typeList(s);
  const branches = (Array.isArray(s.oneOf) ? s.oneOf : Array.isArray(s.anyOf) ? s.anyOf : []) as unknown[];
  const branchTypes = branches.map((branch) => describeType(deref(branch, resolved.place, resolve).schema));
  const nullable = types.includes('null') || branchTypes.includes('null') || (Array.isArray(s.enum) && s.enum.includes(null));
  const format = typeof s.format === 'string' ? s.format : undefined;
  const constraints = CONSTRAINTS.filter((name) => s[name] !== undefined).map((name): [string, unknown] => [name, s[name]]);
  out.push({
    path,
    pointer: place.pointer,
    type: resolved.cyclic
      ? `recursive (${String((isSchema(schema) && schema.$ref) || 'self')})`
      : branchTypes.length > 0
        ? `one of: ${branchTypes.filter((type) => type !== 'null').join(' | ')}`
        : describeType(s),
    ...(format !== undefined && { format }),
    required,
    nullable,
    ...(description !== undefined && { description }),
    ...(Array.isArray(s.enum) && { enum: s.enum }),
    constraints,
    deprecated: s.deprecated === true || written.deprecated === true,
  });
  if (resolved.cyclic) return;
  if (types.includes('object') || isSchema(s.properties)) walkObject(s, path, resolved.place, resolve, out, depth + 1);
  if (types.includes('array') && s.items !== undefined && !Array.isArray(s.items)) {
    const items = deref(s.items, { ...resolved.place, pointer: `${resolved.place.pointer}/items` }, resolve);
    if (!items.cyclic && isSchema(items.schema) && (typeList(items.schema).includes('object') || isSchema(items.schema.properties))) {
      walkObject(items.schema, `${path}[]`, items.place, resolve, out, depth + 1);
    }
  }
  branches.forEach((branch, index) => {
    const target = deref(branch, { ...resolved.place, pointer: `${resolved.place.pointer}/oneOf/${index}` }, resolve);
    if (!target.cyclic && isSchema(target.schema) && isSchema(target.schema.properties)) {
      walkObject(target.schema, path, target.place, resolve, out, depth + 1);
    }
  });
}

function typeList(s: Schema): string[] {
  if (Array.isArray(s.type)) return s.type.filter((type): type is string => typeof type === 'string');
  if (typeof s.type === 'string') return [s.type];
  return [];
}

function describeType(schema: unknown): string {
  if (schema === true) return 'any';
  if (schema === false) return 'nothing';
  if (!isSchema(schema)) return 'unknown';
  if (typeof schema.$ref === 'string') return refName(schema.$ref);
  const types = typeList(schema).filter((type) => type !== 'null');
  if (types.length === 0) {
    if (schema.const !== undefined) return `const ${JSON.stringify(schema.const)}`;
    if (Array.isArray(schema.enum)) return 'enum';
    return schema.properties ? 'object' : typeList(schema).includes('null') ? 'null' : 'any';
  }
  return types
    .map((type) => {
      if (type !== 'array') return type;
      const items = schema.items;
      return isSchema(items) ? `array of ${describeType(items)}` : 'array';
    })
    .join(' | ');
}

function refName(ref: string): string {
  const last = ref.split('/').pop() ?? ref;
  return last.replace(/\.json$/, '') || ref;
}

function escapePointer(segment: string): string {
  return segment.replace(/~/g, '~0').replace(/\//g, '~1');
}
