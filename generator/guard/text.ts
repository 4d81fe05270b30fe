/**
 * Generated files stay text: a control character from schema text (NUL, ESC, DEL, C1), a bidi
 * override (Trojan Source) or a BOM would make git call `generated/types.ts` binary or show a
 * reviewer something other than what runs. Each becomes a visible `\uXXXX` escape.
 *
 * Safe on generated source as a whole: such characters can only sit in comments (where the
 * escape is plain text) or in string literals (where `\uXXXX` means the same character); JSON
 * files (.avsc) likewise.
 */
// eslint-disable-next-line no-control-regex
const HIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

export function escapeControlCharacters(text: string): string {
  return text.replace(HIDDEN, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** True when `text` holds a character `escapeControlCharacters` would escape. */
export function hasControlCharacters(text: string): boolean {
  HIDDEN.lastIndex = 0;
  const found = HIDDEN.test(text);
  HIDDEN.lastIndex = 0;
  return found;
}
