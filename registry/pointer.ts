/**
 * JSON pointers (RFC 6901), the one helper every part of the project uses: building a pointer from
 * reference tokens, splitting one, and following one into a JSON value.
 */

/** Escapes one reference token: '~' → '~0', '/' → '~1'. */
export function escapeToken(token: string | number): string {
  return String(token).replace(/~/g, '~0').replace(/\//g, '~1');
}

export function unescapeToken(token: string): string {
  return token.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** The pointer of a path of tokens: `['channels', 'a/b']` → '/channels/a~1b'; `[]` → ''. */
export function toPointer(tokens: ReadonlyArray<string | number>): string {
  return tokens.map((token) => `/${escapeToken(token)}`).join('');
}

/** `base` extended by tokens: `joinPointer('/channels', 'x', 'messages')` → '/channels/x/messages'. */
export function joinPointer(base: string, ...tokens: Array<string | number>): string {
  return base + toPointer(tokens);
}

/**
 * The tokens of a pointer; accepts the URI fragment form ('#/a/b', percent-encoded) too.
 * Throws on text that is not a pointer.
 */
export function splitPointer(pointer: string): string[] {
  if (pointer === '' || pointer === '#') return [];
  const fragment = pointer.startsWith('#');
  const body = fragment ? pointer.slice(1) : pointer;
  if (!body.startsWith('/')) throw new Error(`not a JSON pointer: ${pointer}`);
  return body
    .slice(1)
    .split('/')
    .map((token) => unescapeToken(fragment ? safeDecode(token) : token));
}

function safeDecode(token: string): string {
  try {
    return decodeURIComponent(token);
  } catch {
    return token;
  }
}

/** The value at `pointer` (own properties only), or `undefined` when a token is missing. */
export function getAtPointer(root: unknown, pointer: string): unknown {
  let node: unknown = root;
  let tokens: string[];
  try {
    tokens = splitPointer(pointer);
  } catch {
    return undefined;
  }
  for (const token of tokens) {
    if (Array.isArray(node)) {
      if (!/^(0|[1-9][0-9]*)$/.test(token)) return undefined;
      node = node[Number(token)];
    } else if (node !== null && typeof node === 'object' && Object.hasOwn(node, token)) {
      node = (node as Record<string, unknown>)[token];
    } else {
      return undefined;
    }
  }
  return node;
}
