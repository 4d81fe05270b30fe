/**
 * The one finding shape every check reports (after buf): file, line, column, rule id, message,
 * plus the JSON pointer and whether the finding is compatible. Findings are sorted and
 * de-duplicated before printing; the printers are text, JSON and GitHub Actions annotations.
 */
import type { JsonValue } from './json.js';

export interface Finding {
  file: string;
  line: number;
  column: number;
  rule: string;
  message: string;
  pointer: string;
  /** True when the finding does not break anything (metadata changes, loosening). */
  compatible: boolean;
  /** For schema differences: which direction was checked (BACKWARD reads old data with the new schema). */
  direction?: 'backward' | 'forward';
  oldValue?: JsonValue;
  newValue?: JsonValue;
  eventType?: string;
  version?: number;
}

export const FORMATS = ['text', 'json', 'github'] as const;
export type OutputFormat = (typeof FORMATS)[number];

function key(finding: Finding): string {
  return [
    finding.file,
    finding.line,
    finding.column,
    finding.pointer,
    finding.rule,
    finding.message,
    finding.compatible,
  ].join('\u0000');
}

export function compareFindings(a: Finding, b: Finding): number {
  return (
    a.file.localeCompare(b.file) ||
    a.line - b.line ||
    a.column - b.column ||
    a.pointer.localeCompare(b.pointer) ||
    a.rule.localeCompare(b.rule) ||
    a.message.localeCompare(b.message)
  );
}

export function sortFindings(findings: readonly Finding[]): Finding[] {
  const seen = new Set<string>();
  const unique: Finding[] = [];
  for (const finding of findings) {
    const k = key(finding);
    if (seen.has(k)) continue;
    seen.add(k);
    unique.push(finding);
  }
  return unique.sort(compareFindings);
}

export function isAllCompatible(findings: readonly Finding[]): boolean {
  return findings.every((finding) => finding.compatible);
}

/** buf-style lines. `where: 'pointer'` prints `file:pointer:`, `'line'` prints `file:line:col:`. */
export function formatText(findings: readonly Finding[], where: 'pointer' | 'line'): string {
  return findings
    .map((finding) => {
      const place =
        where === 'pointer' ? (finding.pointer === '' ? '#' : finding.pointer) : `${finding.line}:${finding.column}`;
      return `${finding.file}:${place}: ${finding.rule} ${finding.message}\n`;
    })
    .join('');
}

export function formatJson(findings: readonly Finding[], compatible: boolean): string {
  return `${JSON.stringify({ compatible, findings }, null, 2)}\n`;
}

function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/** GitHub Actions workflow commands: one `::error` (or `::notice` for compatible findings) per finding. */
export function formatGithub(findings: readonly Finding[]): string {
  return findings
    .map((finding) => {
      const level = finding.compatible ? 'notice' : 'error';
      const props = `file=${escapeProperty(finding.file)},line=${finding.line},col=${finding.column},title=${escapeProperty(finding.rule)}`;
      return `::${level} ${props}::${escapeData(finding.message)}\n`;
    })
    .join('');
}

export function formatFindings(findings: readonly Finding[], format: OutputFormat, where: 'pointer' | 'line'): string {
  if (format === 'json') return formatJson(findings, isAllCompatible(findings));
  if (format === 'github') return formatGithub(findings);
  return formatText(findings, where);
}
