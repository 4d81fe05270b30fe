/**
 * The one naming function for every identifier derived from schema text (event types, titles,
 * definition keys). Results are checked against the identifier pattern, never reserved words or
 * names the generated code already uses, and collisions are resolved by numeric suffixes in the
 * order names are claimed (which the caller keeps stable: sorted by source).
 */
import { NamingError } from './errors.js';

export const IDENTIFIER_PATTERN = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** ECMAScript and TypeScript reserved and contextual words that cannot (or should not) name things. */
const RESERVED_WORDS = new Set(
  (
    'break case catch class const continue debugger default delete do else enum export extends false ' +
    'finally for function if import in instanceof new null return super switch this throw true try ' +
    'typeof var void while with implements interface let package private protected public static ' +
    'yield await async arguments eval abstract any as asserts bigint boolean constructor declare ' +
    'get infer is keyof module namespace never number object of readonly require set string symbol ' +
    'type undefined unique unknown from global satisfies accessor out override'
  ).split(' '),
);

/** Members every object inherits; a facade member with one of these names would shadow it. */
const OBJECT_MEMBER_NAMES = new Set(Object.getOwnPropertyNames(Object.prototype).concat(['prototype']));

/** True when `name` can be written bare as an identifier (and is not a reserved word). */
export function isIdentifier(name: string): boolean {
  return IDENTIFIER_PATTERN.test(name) && !RESERVED_WORDS.has(name);
}

/** True when `key` can be written bare as a property key in an object literal or type literal. */
export function isBarePropertyKey(key: string): boolean {
  return IDENTIFIER_PATTERN.test(key) && key !== '__proto__';
}

/** Splits text into words at non-alphanumerics and at lower→upper and letter↔digit boundaries. */
export function splitWords(text: string): string[] {
  return text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .filter((word) => word.length > 0);
}

const capitalize = (word: string): string => word.charAt(0).toUpperCase() + word.slice(1).toLowerCase();

/** 'user.created' → 'UserCreated', 'voice_model' → 'VoiceModel', 'HTTPError' → 'HttpError'. */
export function toPascalCase(text: string): string {
  return splitWords(text).map(capitalize).join('');
}

/** 'user.created' → 'userCreated'. */
export function toCamelCase(text: string): string {
  const pascal = toPascalCase(text);
  return pascal.charAt(0).toLowerCase() + pascal.slice(1);
}

export type NameStyle = 'pascal' | 'camel';

/**
 * A scope of identifiers. `claim` turns schema text into a fresh identifier in this scope:
 * case conversion, a prefix when the result starts with a digit or is empty, a suffix when it
 * is reserved or already taken ('MyThing', 'MyThing2', 'MyThing3', ...).
 */
export class NameScope {
  private readonly taken = new Set<string>();

  constructor(reserved: Iterable<string> = []) {
    for (const name of reserved) this.taken.add(name);
  }

  has(name: string): boolean {
    return this.taken.has(name);
  }

  /** Reserves an exact name (e.g. a fixed name of the generated code); throws if it is taken. */
  reserve(name: string): string {
    if (!isIdentifier(name)) throw new NamingError(name, 'not an identifier');
    if (this.taken.has(name)) throw new NamingError(name, 'already taken');
    this.taken.add(name);
    return name;
  }

  claim(text: string, style: NameStyle, fallback = style === 'pascal' ? 'Unnamed' : 'unnamed'): string {
    let base = style === 'pascal' ? toPascalCase(text) : toCamelCase(text);
    if (base.length === 0) base = fallback;
    if (/^[0-9]/.test(base)) base = (style === 'pascal' ? 'N' : 'n') + base;
    let candidate = base;
    for (let suffix = 2; !this.isFree(candidate, style); suffix += 1) {
      candidate = `${base}${suffix}`;
    }
    if (!IDENTIFIER_PATTERN.test(candidate)) throw new NamingError(text, `'${candidate}' is not an identifier`);
    this.taken.add(candidate);
    return candidate;
  }

  /**
   * Claims an identifier the generator composed itself (e.g. `${base}Event`), keeping its exact
   * spelling and only adding a suffix when it is taken or reserved.
   */
  claimIdentifier(name: string): string {
    if (!IDENTIFIER_PATTERN.test(name)) throw new NamingError(name, 'not an identifier');
    let candidate = name;
    for (let suffix = 2; !this.isFree(candidate, 'pascal'); suffix += 1) candidate = `${name}${suffix}`;
    this.taken.add(candidate);
    return candidate;
  }

  private isFree(name: string, style: NameStyle): boolean {
    if (this.taken.has(name) || RESERVED_WORDS.has(name)) return false;
    if (style === 'camel' && OBJECT_MEMBER_NAMES.has(name)) return false;
    return true;
  }
}
