/**
 * A tiny code builder after ajv's lib/compile/codegen: generated code is a `Code` value, and the
 * only way for a plain string to enter it is as an escaped literal. Identifiers are their own
 * type that checks itself; property keys are bare only when that is safe; doc comments cannot
 * be closed by the text they carry.
 *
 * A `Code` carries its layout (`layout.ts`, decision 0130): groups that stay on one line when they
 * fit in 120 columns and break otherwise, in the style prettier prints (single quotes, trailing
 * commas, two-space indentation), so generated sources need no formatter run.
 */
import { isBarePropertyKey, isIdentifier } from './naming.js';
import { flatText, group, hardline, ifBreak, indent, joinDocs, line, printDoc, softline, type Doc } from './layout.js';

export class Code {
  #flat: string | undefined;

  constructor(readonly doc: Doc) {}

  /** The code on one line (line breaks only where it must break): for names, keys and comparisons. */
  get flat(): string {
    return (this.#flat ??= flatText(this.doc));
  }

  /** The code laid out at 120 columns from column 0. */
  toString(): string {
    return typeof this.doc === 'string' ? this.doc : printDoc(this.doc);
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

/**
 * A string as a JavaScript literal, quoted as prettier quotes it: single quotes unless the text
 * holds more single than double quotes; JSON's escapes otherwise, plus U+2028/U+2029 (line
 * terminators) and the private-use characters the template layout pass uses as markers.
 */
export function stringLiteral(value: string): string {
  const raw = escapeSpecial(JSON.stringify(value).slice(1, -1));
  const singles = countOf(raw, "'");
  const doubles = countOf(raw, '"');
  const quote = singles > doubles ? '"' : "'";
  const other = quote === '"' ? "'" : '"';
  const body = raw.replace(/\\(.)|(["'])/gs, (match, escaped: string | undefined, bare: string | undefined) => {
    if (escaped === other) return escaped;
    if (bare === quote) return `\\${bare}`;
    if (bare !== undefined) return bare;
    return match;
  });
  return `${quote}${body}${quote}`;
}

function countOf(text: string, char: string): number {
  let count = 0;
  for (let index = text.indexOf(char); index >= 0; index = text.indexOf(char, index + 1)) count += 1;
  return count;
}

/** U+2028/U+2029 end a line in older engines; U+E000/U+E001 mark where the layout pass places code. */
function escapeSpecial(text: string): string {
  return /[\u2028\u2029\ue000\ue001]/.test(text)
    ? text.replace(/[\u2028\u2029\ue000\ue001]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`)
    : text;
}

/** A number as prettier prints it (lower case, no `+` or needless zeros in the exponent). */
function numberLiteral(value: number): string {
  return JSON.stringify(value)
    .toLowerCase()
    .replace(/^([+-]?[\d.]+e)(?:\+|(-))?0*(\d)/, '$1$2$3')
    .replace(/^([+-]?[\d.]+)e[+-]?0+$/, '$1')
    .replace(/^([+-])?\./, '$10.')
    .replace(/(\.\d+?)0+(?=e|$)/, '$1')
    .replace(/\.(?=e|$)/, '');
}

/** A JSON value as a JavaScript literal (objects written as `valueLiteral` writes them). */
export function literal(value: unknown): Code {
  if (typeof value === 'string') return new Code(stringLiteral(value));
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new TypeError(`Cannot write ${value} as a literal`);
    return new Code(numberLiteral(value));
  }
  if (value === null || typeof value === 'boolean') return new Code(String(value));
  if (typeof value === 'object') {
    // A JSON value (toJSON applies as JSON.stringify applies it); keys quoted as JSON quotes them.
    const json = JSON.stringify(value);
    if (json === undefined) throw new TypeError(`Cannot write ${typeof value} as a literal`);
    return new Code(valueDoc(JSON.parse(json) as unknown, (key) => new Code(stringLiteral(key))));
  }
  throw new TypeError(`Cannot write ${typeof value} as a literal`);
}

/**
 * A JavaScript value literal: like `literal`, but objects are written key by key so that a
 * `__proto__` key stays an own data property (`["__proto__"]: ...`) instead of setting the prototype.
 * Laid out as prettier lays out an object or array literal.
 */
export function valueLiteral(value: unknown): Code {
  return new Code(valueDoc(value));
}

function valueDoc(value: unknown, keyOf: (key: string) => Code = valueKey): Doc {
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    // prettier breaks an array of two or more objects (or arrays) that each have two or more entries.
    const breaks = value.length > 1 && value.every((item) => isPlainObject(item) && Object.keys(item).length > 1);
    const nested = value.length > 1 && value.every((item) => Array.isArray(item) && item.length > 1);
    return group(['[', indent([softline, joinDocs([',', line], value.map((item) => valueDoc(item, keyOf)))]), ifBreak(','), softline, ']'], {
      break: breaks || nested,
    });
  }
  if (isPlainObject(value)) {
    const entries = Object.entries(value);
    if (entries.length === 0) return '{}';
    return group(['{', indent([line, joinDocs([',', line], entries.map(([key, item]) => property(keyOf(key), item, keyOf)))]), ifBreak(','), line, '}']);
  }
  return literal(value).doc;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * `key: value` in an object literal. A string that does not fit after a key of five columns or
 * more moves to the next line, indented (prettier's assignment layout); other values break inside.
 */
function property(key: Code, value: unknown, keyOf: (key: string) => Code): Doc {
  const keyText = key.flat;
  if (typeof value === 'string' && keyText.length >= 5) {
    return group([keyText, ':', group(indent(line)), literal(value).doc]);
  }
  return [keyText, ': ', valueDoc(value, keyOf)];
}

/** A key in a type literal or interface: bare when it is an identifier, quoted otherwise. */
export function typeKey(key: string): Code {
  return new Code(isBarePropertyKey(key) ? key : stringLiteral(key));
}

/** A key in an object literal value: bare, quoted, or computed for `__proto__`. */
export function valueKey(key: string): Code {
  if (key === '__proto__') return new Code(`[${stringLiteral(key)}]`);
  return typeKey(key);
}

/** Property access: `.key` for identifiers, `["key"]` otherwise. */
export function access(key: string): Code {
  return new Code(isBarePropertyKey(key) ? `.${key}` : `[${stringLiteral(key)}]`);
}

/**
 * A JSDoc block carrying arbitrary text, followed by a line break (it takes the indentation of
 * the code it documents). `*​/` cannot close it (written `*\/`), line breaks of any kind become
 * ` * ` lines, and an empty text gives no comment at all.
 */
export function docComment(lines: ReadonlyArray<string | undefined>): Code {
  const body = lines
    .filter((line): line is string => line !== undefined && line.trim().length > 0)
    .flatMap((line) => line.split(/\r\n|[\n\r\u2028\u2029]/))
    .map((line) => escapeSpecial(line.replace(/\*\//g, '*\\/').replace(/\s+$/, '')));
  while (body.length > 0 && body[body.length - 1] === '') body.pop();
  if (body.length === 0) return EMPTY;
  return new Code([...joinDocs(hardline, ['/**', ...body.map((line) => (line === '' ? ' *' : ` * ${line}`)), ' */']), hardline]);
}

/**
 * Tagged template: interpolated Code is inserted as is, anything else as an escaped literal. A
 * line break in the template text is a hard line (indented where the code is printed).
 */
export function code(strings: TemplateStringsArray, ...values: unknown[]): Code {
  const parts: Doc[] = [textDoc(strings[0] ?? '')];
  values.forEach((value, index) => {
    parts.push(value instanceof Code ? value.doc : literal(value).doc, textDoc(strings[index + 1] ?? ''));
  });
  return new Code(parts);
}

function textDoc(text: string): Doc {
  return text.includes('\n') ? joinDocs(hardline, text.split('\n')) : text;
}

/** Joins code fragments with a separator (which is trusted generator text). */
export function join(parts: readonly Code[], separator: string): Code {
  return new Code(joinDocs(textDoc(separator), parts.map((part) => part.doc)));
}

/** Joins code fragments with a layout separator (`line`, `hardline`, …, or docs around it). */
export function joinWith(parts: readonly Code[], separator: Doc): Code {
  return new Code(joinDocs(separator, parts.map((part) => part.doc)));
}

/** A layout node as code (for the builders in ts-types.ts and render.ts). */
export function layout(doc: Doc): Code {
  return new Code(doc);
}
