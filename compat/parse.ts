/** JSON text → value, with an error that names the file, line and column. */
import { CompatInputError } from './errors.js';
import type { JsonValue } from './json.js';

export function parseJsonText(text: string, file: string): JsonValue {
  try {
    return JSON.parse(text) as JsonValue;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = /position (\d+)/.exec(message);
    let where = '';
    if (position) {
      const offset = Number(position[1]);
      const before = text.slice(0, offset);
      const line = before.split('\n').length;
      const column = offset - before.lastIndexOf('\n');
      where = ` at line ${line} column ${column}`;
    }
    const reason = message
      .replace(/ in JSON at position \d+.*$/, '')
      .replace(/^Unexpected end of JSON input$/, 'unexpected end of input');
    throw new CompatInputError('COMPAT_INVALID_JSON', file, `invalid JSON${where}: ${reason}`, { cause: error });
  }
}
