/**
 * JSON pointer → line and column in a JSON or YAML text, through the `yaml` package's parse tree
 * (JSON is YAML, so one locator serves asyncapi.yaml and the schema files). A pointer that runs
 * past what the text holds is located at the deepest node it reaches. Used by the registry's
 * diagnostics and by the compatibility differ's findings.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import { splitPointer } from './pointer.js';

export interface Position {
  line: number;
  column: number;
}

interface Parsed {
  contents: unknown;
  lines: LineCounter;
}

/** Parses each text once (by content) and locates any number of pointers in it. */
export class SourceLocator {
  private readonly parsed = new Map<string, Parsed>();

  /** 1-based line and column of the node (or of its key, for a map entry) at `pointer`. */
  locate(text: string, pointer: string): Position {
    const { contents, lines } = this.parse(text);
    let node: unknown = contents;
    let offset = rangeStart(node) ?? 0;
    let tokens: string[];
    try {
      tokens = splitPointer(pointer);
    } catch {
      tokens = [];
    }
    for (const token of tokens) {
      if (isMap(node)) {
        const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && String(item.key.value) === token);
        if (!pair) break;
        offset = rangeStart(pair.key) ?? offset;
        node = pair.value;
      } else if (isSeq(node)) {
        const item = node.items[Number(token)];
        if (item === undefined) break;
        offset = rangeStart(item) ?? offset;
        node = item;
      } else {
        break;
      }
    }
    const { line, col } = lines.linePos(offset);
    return { line, column: col };
  }

  private parse(text: string): Parsed {
    let entry = this.parsed.get(text);
    if (!entry) {
      const lines = new LineCounter();
      const document = parseDocument(text, { lineCounter: lines, keepSourceTokens: false, uniqueKeys: false, strict: false });
      entry = { contents: document.contents, lines };
      this.parsed.set(text, entry);
    }
    return entry;
  }
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as Node | null | undefined)?.range;
  return Array.isArray(range) ? range[0] : undefined;
}
