/** Formats generated sources with prettier 3, with fixed options (no config file lookup). */
import * as prettier from 'prettier';

export const PRETTIER_OPTIONS: prettier.Options = {
  parser: 'typescript',
  printWidth: 120,
  singleQuote: true,
  trailingComma: 'all',
  // Keys are quoted exactly as the code builder decided (bare only when safe).
  quoteProps: 'preserve',
  endOfLine: 'lf',
};

export async function formatSource(source: string): Promise<string> {
  return prettier.format(source, PRETTIER_OPTIONS);
}
