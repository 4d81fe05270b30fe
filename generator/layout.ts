/**
 * The layout the code builder writes generated code in (decision 0130): a document of text,
 * groups and line breaks, printed at a fixed width by the algorithm prettier uses (Wadler's
 * "prettier printer": a group goes on one line when it fits in what is left of the line, up to
 * the next place the rest could break; otherwise its lines break). The generator emits sources
 * already laid out this way instead of printing them as text and running prettier over every
 * file. Options match decision 0021: width 120, two-space indentation, LF.
 */

export const PRINT_WIDTH = 120;
const INDENT = '  ';

export type Doc = string | readonly Doc[] | Group | Indent | Line | IfBreak | IndentIfBreak;

interface Group {
  readonly kind: 'group';
  readonly contents: Doc;
  /** Set when an `indentIfBreak` follows this group's decision. */
  readonly id?: symbol;
  /** Broken however wide the line: set when it holds a hard line (or the writer asks for it). */
  break: boolean;
}

interface Indent {
  readonly kind: 'indent';
  readonly contents: Doc;
  /** What a line inside adds to the indentation (two spaces unless aligned). */
  readonly by: string;
}

interface Line {
  readonly kind: 'line';
  /** soft: nothing when flat; hard: always a line break; else a space when flat. */
  readonly mode: 'line' | 'soft' | 'hard';
}

/** Indented when the group `group` (printed before it) broke. */
interface IndentIfBreak {
  readonly kind: 'indent-if-break';
  readonly contents: Doc;
  readonly group: symbol;
}

interface IfBreak {
  readonly kind: 'if-break';
  readonly broken: Doc;
  readonly flat: Doc;
}

/** A space when its group is flat, a line break (at the current indentation) when it breaks. */
export const line: Line = { kind: 'line', mode: 'line' };
/** Nothing when its group is flat, a line break when it breaks. */
export const softline: Line = { kind: 'line', mode: 'soft' };
/** Always a line break; breaks every group around it. */
export const hardline: Line = { kind: 'line', mode: 'hard' };

export function group(contents: Doc, options: { break?: boolean; id?: symbol } = {}): Group {
  return { kind: 'group', contents, break: options.break === true || hasHardline(contents), ...(options.id && { id: options.id }) };
}

/**
 * The right side of `=` or `:` as prettier's "fluid" assignment layout writes it: on the same line
 * when its head (up to where it can break) fits, else on the next line, indented.
 */
export function fluid(right: Doc): Doc {
  const id = Symbol('assignment');
  return [group(indent(line), { id }), { kind: 'indent-if-break', contents: right, group: id } satisfies IndentIfBreak];
}

export function indent(contents: Doc): Indent {
  return { kind: 'indent', contents, by: INDENT };
}

/** Lines inside continue `columns` spaces further in (e.g. under `| ` in a broken union). */
export function align(columns: number, contents: Doc): Indent {
  return { kind: 'indent', contents, by: ' '.repeat(columns) };
}

export function ifBreak(broken: Doc, flat: Doc = ''): IfBreak {
  return { kind: 'if-break', broken, flat };
}

export function joinDocs(separator: Doc, parts: readonly Doc[]): Doc[] {
  const out: Doc[] = [];
  parts.forEach((part, index) => {
    if (index > 0) out.push(separator);
    out.push(part);
  });
  return out;
}

/** Lines of text (e.g. a comment) as hard-line-separated docs; each line takes the indentation where it is printed. */
export function textLines(text: string): Doc {
  const lines = text.split('\n');
  return lines.length === 1 ? text : joinDocs(hardline, lines);
}

function hasHardline(doc: Doc): boolean {
  if (typeof doc === 'string') return false;
  if (Array.isArray(doc)) return (doc as readonly Doc[]).some(hasHardline);
  const node = doc as Group | Indent | Line | IfBreak | IndentIfBreak;
  switch (node.kind) {
    case 'line':
      return node.mode === 'hard';
    case 'group':
      return node.break;
    case 'indent':
    case 'indent-if-break':
      return hasHardline(node.contents);
    case 'if-break':
      return hasHardline(node.broken) || hasHardline(node.flat);
  }
}

/** The text of a doc on one line (hard lines stay line breaks): for names, keys and comparisons. */
export function flatText(doc: Doc): string {
  if (typeof doc === 'string') return doc;
  if (Array.isArray(doc)) return (doc as readonly Doc[]).map(flatText).join('');
  const node = doc as Group | Indent | Line | IfBreak | IndentIfBreak;
  switch (node.kind) {
    case 'line':
      return node.mode === 'hard' ? '\n' : node.mode === 'line' ? ' ' : '';
    case 'group':
    case 'indent':
    case 'indent-if-break':
      return flatText(node.contents);
    case 'if-break':
      return flatText(node.flat);
  }
}

const enum Mode {
  Break,
  Flat,
}

interface Command {
  indent: string;
  mode: Mode;
  doc: Doc;
}

/** Columns a string takes: code points, East Asian wide and fullwidth ones count two (as prettier counts). */
export function textWidth(text: string): number {
  // eslint-disable-next-line no-control-regex
  if (/^[\x20-\x7e]*$/.test(text)) return text.length;
  let width = 0;
  for (const char of text) {
    const code = char.codePointAt(0)!;
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f) || (code >= 0x300 && code <= 0x36f) || code === 0x200b) continue;
    width += isWide(code) ? 2 : 1;
  }
  return width;
}

function isWide(code: number): boolean {
  return (
    (code >= 0x1100 && code <= 0x115f) ||
    (code >= 0x2e80 && code <= 0xa4cf && code !== 0x303f) ||
    (code >= 0xac00 && code <= 0xd7a3) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0xfe30 && code <= 0xfe4f) ||
    (code >= 0xff00 && code <= 0xff60) ||
    (code >= 0xffe0 && code <= 0xffe6) ||
    (code >= 0x1f300 && code <= 0x1f64f) ||
    (code >= 0x1f900 && code <= 0x1f9ff) ||
    (code >= 0x20000 && code <= 0x3fffd)
  );
}

/** Whether `next` fits in `width` columns, reading on into `rest` up to its first possible line break. */
function fits(next: Command, rest: readonly Command[], width: number): boolean {
  let restIndex = rest.length;
  const commands: Array<{ mode: Mode; doc: Doc }> = [next];
  while (width >= 0) {
    const command = commands.pop();
    if (command === undefined) {
      if (restIndex === 0) return true;
      commands.push(rest[--restIndex]!);
      continue;
    }
    const { mode, doc } = command;
    if (typeof doc === 'string') {
      width -= textWidth(doc);
      continue;
    }
    if (Array.isArray(doc)) {
      for (let index = doc.length - 1; index >= 0; index -= 1) commands.push({ mode, doc: (doc as readonly Doc[])[index]! });
      continue;
    }
    const node = doc as Group | Indent | Line | IfBreak | IndentIfBreak;
    switch (node.kind) {
      case 'indent':
      case 'indent-if-break':
        commands.push({ mode, doc: node.contents });
        break;
      case 'group':
        commands.push({ mode: node.break ? Mode.Break : mode, doc: node.contents });
        break;
      case 'if-break':
        commands.push({ mode, doc: mode === Mode.Break ? node.broken : node.flat });
        break;
      case 'line':
        if (mode === Mode.Break || node.mode === 'hard') return true;
        if (node.mode === 'line') width -= 1;
        break;
    }
  }
  return false;
}

/**
 * Prints a doc at `width` columns. `column` is where the first line starts and `baseIndent` the
 * indentation of the lines that follow (for a doc placed inside a line of template text).
 */
export function printDoc(doc: Doc, options: { width?: number; column?: number; baseIndent?: string } = {}): string {
  const width = options.width ?? PRINT_WIDTH;
  let position = options.column ?? 0;
  const out: string[] = [];
  const commands: Command[] = [{ indent: options.baseIndent ?? '', mode: Mode.Break, doc }];
  const groupModes = new Map<symbol, Mode>();
  while (commands.length > 0) {
    const { indent: current, mode, doc: next } = commands.pop()!;
    if (typeof next === 'string') {
      out.push(next);
      position += textWidth(next);
      continue;
    }
    if (Array.isArray(next)) {
      for (let index = next.length - 1; index >= 0; index -= 1) commands.push({ indent: current, mode, doc: (next as readonly Doc[])[index]! });
      continue;
    }
    const node = next as Group | Indent | Line | IfBreak | IndentIfBreak;
    switch (node.kind) {
      case 'indent':
        commands.push({ indent: current + node.by, mode, doc: node.contents });
        break;
      case 'indent-if-break':
        commands.push({ indent: groupModes.get(node.group) === Mode.Break ? current + INDENT : current, mode, doc: node.contents });
        break;
      case 'group': {
        let chosen: Command;
        if (mode === Mode.Flat && !node.break) chosen = { indent: current, mode: Mode.Flat, doc: node.contents };
        else {
          const flat: Command = { indent: current, mode: Mode.Flat, doc: node.contents };
          chosen = !node.break && fits(flat, commands, width - position) ? flat : { indent: current, mode: Mode.Break, doc: node.contents };
        }
        if (node.id) groupModes.set(node.id, chosen.mode);
        commands.push(chosen);
        break;
      }
      case 'if-break':
        commands.push({ indent: current, mode, doc: mode === Mode.Break ? node.broken : node.flat });
        break;
      case 'line':
        if (mode === Mode.Flat && node.mode !== 'hard') {
          if (node.mode === 'line') {
            out.push(' ');
            position += 1;
          }
          break;
        }
        trimTrailingSpaces(out);
        out.push(`\n${current}`);
        position = current.length;
        break;
    }
  }
  return out.join('');
}

function trimTrailingSpaces(out: string[]): void {
  while (out.length > 0) {
    const trimmed = out[out.length - 1]!.replace(/[ \t]+$/, '');
    if (trimmed.length > 0) {
      out[out.length - 1] = trimmed;
      return;
    }
    out.pop();
  }
}
