/**
 * A tiny code builder after ajv's lib/compile/codegen: generated code is a `Code` value, and the
 * only way for a plain string to enter it is as an escaped literal. Identifiers are their own
 * type that checks itself; property keys are bare only when that is safe; doc comments cannot
 * be closed by the text they carry.
 */
import { isBarePropertyKey, isIdentifier } from './naming.js';

export class Code {
  constructor(private readonly text: string) {}

  toString(): string {
    return this.text;
  }
}

/** An identifier: valid JavaScript identifier, not a reserved word. */
export class Ident extends Code {
  constructor(readonly name: string) {
    if (!isIdentifier(name)) throw new TypeError(`Not a safe identifier: ${JSON.stringify(name)}`);
    super(name);
  }
}

export const EMPTY = new Code('');

/** A JSON value as a JavaScript literal: JSON quoting, plus U+2028/U+2029 (line terminators). */
export function literal(value: unknown): Code {
  const json = JSON.stringify(value);
  if (json === undefined) throw new TypeError(`Cannot write ${typeof value} as a literal`);
  return new Code(escapeLineTerminators(json));
}

function escapeLineTerminators(text: string): string {
  return text.replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/**
 * A JavaScript value literal: like `literal`, but objects are written key by key so that a
 * `__proto__` key stays an own data property (`["__proto__"]: ...`) instead of setting the prototype.
 */
export function valueLiteral(value: unknown): Code {
  if (Array.isArray(value)) return new Code(`[${value.map((item) => valueLiteral(item).toString()).join(', ')}]`);
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).map(
      ([key, item]) => `${valueKey(key).toString()}: ${valueLiteral(item).toString()}`,
    );
    return new Code(`{${entries.join(', ')}}`);
  }
  return literal(value);
}

/** A key in a type literal or interface: bare when it is an identifier, quoted otherwise. */
export function typeKey(key: string): Code {
  return new Code(isBarePropertyKey(key) ? key : literal(key).toString());
}

/** A key in an object literal value: bare, quoted, or computed for `__proto__`. */
export function valueKey(key: string): Code {
  if (key === '__proto__') return new Code(`[${literal(key).toString()}]`);
  return typeKey(key);
}

/** Property access: `.key` for identifiers, `["key"]` otherwise. */
export function access(key: string): Code {
  return new Code(isBarePropertyKey(key) ? `.${key}` : `[${literal(key).toString()}]`);
}

/**
 * A JSDoc block carrying arbitrary text. `*​/` cannot close it (written `*\/`), line breaks of
 * any kind become ` * ` lines, and an empty text gives no comment at all.
 */
export function docComment(lines: ReadonlyArray<string | undefined>): Code {
  const body = lines
    .filter((line): line is string => line !== undefined && line.trim().length > 0)
    .flatMap((line) => line.split(/\r\n|[\n\r\u2028\u2029]/))
    .map((line) => line.replace(/\*\//g, '*\\/').replace(/\s+$/, ''));
  while (body.length > 0 && body[body.length - 1] === '') body.pop();
  if (body.length === 0) return EMPTY;
  return new Code(['/**', ...body.map((line) => (line === '' ? ' *' : ` * ${line}`)), ' */'].join('\n') + '\n');
}

/** Tagged template: interpolated Code is inserted as is, anything else as an escaped literal. */
export function code(strings: TemplateStringsArray, ...values: unknown[]): Code {
  let text = strings[0] ?? '';
  values.forEach((value, index) => {
    text += (value instanceof Code ? value.toString() : literal(value).toString()) + (strings[index + 1] ?? '');
  });
  return new Code(text);
}

/** Joins code fragments with a separator (which is trusted generator text). */
export function join(parts: readonly Code[], separator: string): Code {
  return new Code(parts.map((part) => part.toString()).join(separator));
}
