/**
 * JSON Schema (draft-07) → TypeScript type expressions, as `Code`. Strings from the schema only
 * enter as literals (enum/const values), quoted keys or escaped doc comments.
 */
import { Code, code, docComment, layout, literal, typeKey, Ident } from './code.js';
import { align, group, hardline, ifBreak, indent, joinDocs, line, softline, type Doc } from './layout.js';
import { isObject, type JsonSchema, type SchemaStore } from '../registry/schemas.js';
import { joinPointer } from '../registry/pointer.js';

export interface TypeContext {
  store: SchemaStore;
  typeNames: ReadonlyMap<string, string>;
  /** Absolute path of the file the schema sits in, to resolve relative `$ref`s. */
  file: string;
  /** Names of titled nested objects (by identity): written as references to their named type. */
  nestedNames?: ReadonlyMap<object, string>;
  /** The schema being declared as a named type itself (expanded, not referenced). */
  declaring?: unknown;
}

const SIMPLE_TYPE = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

const NON_OBJECT_TYPES = ['string', 'number', 'boolean', 'null', 'unknown[]'].map((type) => new Code(type));

/** Doc lines for a schema: its description, then format / deprecation / default notes. */
export function schemaDocLines(schema: unknown, withTitle = false): string[] {
  if (!isObject(schema)) return [];
  const lines: string[] = [];
  if (withTitle && typeof schema.title === 'string') lines.push(schema.title);
  if (typeof schema.description === 'string') lines.push(schema.description);
  if (typeof schema.format === 'string') lines.push(`@format ${schema.format}`);
  if (schema.default !== undefined) lines.push(`@default ${JSON.stringify(schema.default)}`);
  if (schema.deprecated === true) lines.push('@deprecated');
  return lines;
}

export function schemaToType(schema: unknown, context: TypeContext, at = ''): Code {
  if (schema === true) return new Code('unknown');
  if (schema === false) return new Code('never');
  if (!isObject(schema)) return new Code('unknown');
  const nestedName = schema === context.declaring ? undefined : context.nestedNames?.get(schema);
  if (nestedName !== undefined) return new Ident(nestedName);

  if (typeof schema.$ref === 'string') {
    const resolved = context.store.resolve(context.file, schema.$ref, at);
    const name = context.typeNames.get(resolved.key);
    if (name === undefined) throw new Error(`internal: no type name for ${resolved.key}`);
    return new Ident(name);
  }
  if (schema.const !== undefined) return literal(schema.const);
  if (Array.isArray(schema.enum)) return union(schema.enum.map((value) => literal(value)));

  const parts: Code[] = [];
  const base = baseType(schema, context, at);
  if (base) parts.push(base);
  for (const keyword of ['anyOf', 'oneOf'] as const) {
    const list = schema[keyword];
    if (Array.isArray(list)) parts.push(union(list.map((item, index) => schemaToType(item, context, `${at}/${keyword}/${index}`))));
  }
  if (Array.isArray(schema.allOf)) {
    parts.push(...schema.allOf.map((item, index) => schemaToType(item, context, `${at}/allOf/${index}`)));
  }
  if (parts.length === 0) return new Code('unknown');
  return parts.length === 1 ? parts[0]! : intersection(parts.map(parenthesize));
}

function baseType(schema: JsonSchema, context: TypeContext, at: string): Code | undefined {
  const declared = schema.type;
  const types = Array.isArray(declared) ? declared.filter((t): t is string => typeof t === 'string') : typeof declared === 'string' ? [declared] : [];
  if (types.length === 0) {
    const looksLikeObject = isObject(schema.properties) || schema.additionalProperties !== undefined || Array.isArray(schema.required);
    // Without `type`, object keywords constrain objects only: every other JSON value passes.
    return looksLikeObject ? union([objectType(schema, context, at), ...NON_OBJECT_TYPES]) : undefined;
  }
  return union(types.map((type) => primitiveOrStructured(type, schema, context, at)));
}

function primitiveOrStructured(type: string, schema: JsonSchema, context: TypeContext, at: string): Code {
  switch (type) {
    case 'string':
      return new Code('string');
    case 'number':
    case 'integer':
      return new Code('number');
    case 'boolean':
      return new Code('boolean');
    case 'null':
      return new Code('null');
    case 'array':
      return arrayType(schema, context, at);
    case 'object':
      return objectType(schema, context, at);
    default:
      return new Code('unknown');
  }
}

function arrayType(schema: JsonSchema, context: TypeContext, at: string): Code {
  const items = schema.items;
  if (Array.isArray(items)) {
    // `items: [A, B]` constrains the first elements only: the array may be shorter, so the type is
    // `[] | [A] | [A, B]`, plus `[A, B, ...X[]]` unless `additionalItems: false` (X: its schema).
    // minItems / maxItems drop the lengths they rule out.
    const members = items.map((item, index) => schemaToType(item, context, `${at}/items/${index}`));
    const minItems = typeof schema.minItems === 'number' ? schema.minItems : 0;
    const maxItems = typeof schema.maxItems === 'number' ? schema.maxItems : Infinity;
    const alternatives: Code[] = [];
    for (let length = 0; length <= members.length; length += 1) {
      if (length >= minItems && length <= maxItems) alternatives.push(tuple(members.slice(0, length)));
    }
    if (schema.additionalItems !== false && maxItems > members.length) {
      const rest = code`...${arrayOf(schemaToType(schema.additionalItems ?? true, context, `${at}/additionalItems`))}`;
      alternatives.push(tuple([...members, rest]));
    }
    return union(alternatives);
  }
  return arrayOf(schemaToType(items ?? true, context, `${at}/items`));
}

function arrayOf(item: Code): Code {
  if (SIMPLE_TYPE.test(item.flat)) return code`${item}[]`;
  // prettier hugs a single object type (or `{…} | null`) in type arguments; anything else may break inside `<>`.
  if (item instanceof ObjectTypeCode || (item instanceof UnionCode && item.hugs)) return code`Array<${item}>`;
  return typeArguments('Array', [item instanceof UnionCode ? item.unindented() : item]);
}

/** `Name<A, B>`: on one line when it fits, else one argument per line (no trailing comma, as prettier writes type arguments). */
export function typeArguments(name: string, args: readonly Code[]): Code {
  return layout(group([name, '<', indent([softline, joinDocs([',', line], args.map((arg) => arg.doc))]), softline, '>']));
}

/** `[A, B]`: on one line when it fits, else one element per line with a trailing comma. */
function tuple(members: readonly Code[]): Code {
  if (members.length === 0) return new Code('[]');
  return layout(group(['[', indent([softline, joinDocs([',', line], members.map((member) => member.doc))]), ifBreak(','), softline, ']']));
}

/** An object type literal (always written across lines, as prettier keeps one written that way). */
class ObjectTypeCode extends Code {}

/** A union: on one line when it fits, else one member per line after `| ` (prettier's layout). */
export class UnionCode extends Code {
  readonly hugs: boolean;

  constructor(readonly members: readonly Code[]) {
    // `{…} | null` stays on the object's lines (prettier "hugs" it).
    const objects = members.filter((member) => member instanceof ObjectTypeCode).length;
    const nulls = members.filter((member) => member.flat === 'null').length;
    const hugs = objects === 1 && nulls === members.length - 1;
    super(hugs ? joinDocs(' | ', members.map((member) => member.doc)) : UnionCode.layout(members));
    this.hugs = hugs;
  }

  /** After `key: ` or `= `: on that line when it fits, else on the next one, else one member per line. */
  private static layout(members: readonly Code[]): Doc {
    return group(indent([softline, group([ifBreak('| '), joinDocs([line, '| '], members.map((member) => align(2, member.doc)))])]));
  }

  /** Inside type arguments: no indentation of its own (the `<>` indent it). */
  unindented(): Code {
    return this.hugs ? this : layout(group([ifBreak('| '), joinDocs([line, '| '], this.members.map((member) => align(2, member.doc)))]));
  }

  /** In parentheses (inside an intersection or before `[]`). */
  parenthesized(): Code {
    if (this.hugs) return code`(${this})`;
    return layout(['(', group([indent([ifBreak([line, '| ']), joinDocs([line, '| '], this.members.map((member) => align(2, member.doc)))]), softline]), ')']);
  }
}

function objectType(schema: JsonSchema, context: TypeContext, at: string): Code {
  const properties = isObject(schema.properties) ? schema.properties : {};
  const required = new Set(Array.isArray(schema.required) ? schema.required.filter((k): k is string => typeof k === 'string') : []);
  const members: Code[] = [];
  const propertyTypes: Code[] = [];
  for (const [key, propertySchema] of Object.entries(properties)) {
    const type = schemaToType(propertySchema, context, joinPointer(`${at}/properties`, key));
    propertyTypes.push(type);
    const docs = isObject(propertySchema) && typeof propertySchema.$ref === 'string' ? [] : schemaDocLines(propertySchema);
    members.push(code`${docComment(docs)}${typeKey(key)}${new Code(required.has(key) ? '' : '?')}: ${type};`);
  }
  // Required keys without a property schema still exist on every valid value.
  for (const key of [...required].filter((k) => !Object.hasOwn(properties, k))) {
    members.push(code`${typeKey(key)}: unknown;`);
  }
  const additional = schema.additionalProperties;
  const patterns = isObject(schema.patternProperties) ? Object.values(schema.patternProperties) : [];
  if (additional !== false || patterns.length > 0) {
    const extraTypes = [
      ...(additional === false ? [] : [schemaToType(additional ?? true, context, `${at}/additionalProperties`)]),
      ...Object.entries(isObject(schema.patternProperties) ? schema.patternProperties : {}).map(([key, pattern]) =>
        schemaToType(pattern, context, joinPointer(`${at}/patternProperties`, key)),
      ),
    ];
    const indexTypes = extraTypes.some((t) => t.flat === 'unknown')
      ? [new Code('unknown')]
      : [...extraTypes, ...propertyTypes, ...(members.length > propertyTypes.length || propertyTypes.length > required.size ? [new Code('undefined')] : [])];
    members.push(code`[key: string]: ${union(indexTypes)};`);
  }
  if (members.length === 0) return new Code('Record<string, never>');
  return new ObjectTypeCode(['{', indent([hardline, joinDocs(hardline, members.map((member) => member.doc))]), hardline, '}']);
}

/** A union with duplicates removed, in first-seen order (a union inside a union is one union). */
export function union(parts: readonly Code[]): Code {
  const unique = [...new Map(parts.map((part) => [part.flat, part])).values()];
  if (unique.length === 0) return new Code('never');
  if (unique.length === 1) return unique[0]!;
  return new UnionCode(unique.flatMap((part) => (part instanceof UnionCode ? part.members : [part])));
}

/** Parentheses where a type needs them inside an intersection: around a union only. */
function parenthesize(type: Code): Code {
  return type instanceof UnionCode ? type.parenthesized() : type;
}

/** `A & B`, laid out as prettier lays out an intersection (objects inline, other types on new lines when it breaks). */
function intersection(parts: readonly Code[]): Code {
  const docs: Doc[] = [];
  let wasIndented = false;
  parts.forEach((part, index) => {
    if (index === 0) {
      docs.push(part.doc);
      return;
    }
    const previousObject = parts[index - 1] instanceof ObjectTypeCode;
    const object = part instanceof ObjectTypeCode;
    if (!previousObject && !object) docs.push(indent([' &', line, part.doc]));
    else if (previousObject && object) docs.push(' & ', wasIndented ? indent(part.doc) : part.doc);
    else {
      if (index > 1) wasIndented = true;
      docs.push(' & ', index > 1 ? indent(part.doc) : part.doc);
    }
  });
  return layout(group(docs));
}
