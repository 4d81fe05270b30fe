/**
 * Message data is read strictly (docs/security.md): bytes that are not UTF-8 are refused instead
 * of silently becoming U+FFFD, and an integer literal outside ±(2^53 − 1) that a JavaScript number
 * cannot hold exactly is refused instead of being rounded to a different number. Both reach the subscriber as a typed decode error, so the
 * message is dead-lettered with the reason.
 */

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The UTF-8 text of `data`; throws TypeError naming the first bad byte's offset. */
export function decodeUtf8Strict(data: Uint8Array): string {
  try {
    return utf8.decode(data);
  } catch {
    throw new TypeError(`data is not valid UTF-8 (first bad byte at offset ${firstInvalidUtf8Offset(data)})`);
  }
}

function firstInvalidUtf8Offset(data: Uint8Array): number {
  for (let offset = 0; offset < data.length; ) {
    const byte = data[offset]!;
    const length = byte < 0x80 ? 1 : byte >= 0xc2 && byte < 0xe0 ? 2 : byte >= 0xe0 && byte < 0xf0 ? 3 : byte >= 0xf0 && byte < 0xf5 ? 4 : 0;
    if (length === 0 || offset + length > data.length) return offset;
    try {
      utf8.decode(data.subarray(offset, offset + length));
    } catch {
      return offset;
    }
    offset += length;
  }
  return data.length;
}

/**
 * The first integer literal (no fraction, no exponent) in JSON `text` that reading would round
 * (beyond ±(2^53 − 1) and not exactly representable), or undefined. Linear; skips string contents. Cheap when no run of 16 digits exists.
 */
export function findUnsafeIntegerLiteral(text: string): string | undefined {
  if (!/\d{16}/.test(text)) return undefined;
  let index = 0;
  const length = text.length;
  while (index < length) {
    const char = text.charCodeAt(index);
    if (char === 0x22 /* " */) {
      index += 1;
      while (index < length) {
        const inner = text.charCodeAt(index);
        if (inner === 0x5c /* \ */) index += 2;
        else if (inner === 0x22) break;
        else index += 1;
      }
      index += 1;
      continue;
    }
    if (char === 0x2d /* - */ || (char >= 0x30 && char <= 0x39)) {
      const start = index;
      index += 1;
      while (index < length && isDigit(text.charCodeAt(index))) index += 1;
      const next = text.charCodeAt(index);
      const integer = next !== 0x2e /* . */ && next !== 0x65 /* e */ && next !== 0x45; /* E */
      while (index < length && /[0-9.eE+-]/.test(text[index]!)) index += 1;
      const token = text.slice(start, index);
      // Only a literal JavaScript cannot hold exactly is refused: 2^60 or 1e20 written out read back unchanged.
      if (integer && token.replace('-', '').length >= 16 && !Number.isSafeInteger(Number(token)) && String(Number(token)) !== token) return token;
      continue;
    }
    index += 1;
  }
  return undefined;
}

function isDigit(char: number): boolean {
  return char >= 0x30 && char <= 0x39;
}

/** JSON.parse of strictly decoded UTF-8 that refuses unsafe integer literals; throws with the reason. */
export function parseJsonStrict(data: Uint8Array): unknown {
  const text = decodeUtf8Strict(data);
  const value = JSON.parse(text) as unknown;
  const unsafe = findUnsafeIntegerLiteral(text);
  if (unsafe !== undefined) {
    throw new RangeError(
      `integer ${unsafe.length > 40 ? `${unsafe.slice(0, 40)}…` : unsafe} is outside the safe range ±(2^53 − 1) and would be read as ${Number(unsafe)}; send it as a string`,
    );
  }
  return value;
}
