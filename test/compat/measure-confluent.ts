/**
 * Measures `event-bus diff` against Confluent Schema Registry's own JSON Schema diff cases.
 * Not a test and not part of the product: the case files stay in Confluent's repository
 * (json-schema-provider/src/test/resources/ of confluentinc/schema-registry); point this script
 * at a directory holding them. Nothing runs if the directory is absent.
 *
 *   npx tsx test/compat/measure-confluent.ts <dir> [--misses] [--json]
 *
 * For each case (original_schema = writer, update_schema = reader, as Confluent's SchemaDiffTest):
 * - verdict: our STRICT BACKWARD verdict equals `compatible`;
 * - rules: the set of rule ids we report equals the set of types in `changes`;
 * - paths: the set of "RULE #/path" strings equals `changes` (our pointer, written as "#/…");
 * - lenient: where the case gives `compatible_lenient`, our LENIENT verdict equals it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { diffSchemaValues } from '../../compat/diff/index.js';

const FILES = [
  'diff-schema-examples.json',
  'diff-combined-schema-examples.json',
  'diff-schema-examples-2020-12.json',
  'diff-combined-schema-examples-2020-12.json',
];

interface ConfluentCase {
  description: string;
  original_schema: unknown;
  update_schema: unknown;
  changes: string[];
  compatible: boolean;
  compatible_lenient?: boolean;
}

/** Confluent's files are read by org.json, which tolerates trailing commas; JSON.parse does not. */
function parseLenient(text: string): unknown {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i]!;
    if (inString) {
      out += c;
      if (c === '\\') {
        out += text[i + 1] ?? '';
        i += 1;
      } else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    if (c === ',') {
      let j = i + 1;
      while (j < text.length && /\s/.test(text[j]!)) j += 1;
      if (text[j] === '}' || text[j] === ']') continue;
    }
    out += c;
  }
  return JSON.parse(out);
}

const sameSet = (a: Iterable<string>, b: Iterable<string>): boolean => {
  const x = new Set(a);
  const y = new Set(b);
  return x.size === y.size && [...x].every((item) => y.has(item));
};

export interface Measure {
  file: string;
  cases: number;
  verdict: number;
  rules: number;
  paths: number;
  lenientCases: number;
  lenient: number;
  misses: Array<{ description: string; kind: string[]; expected: string[]; actual: string[] }>;
}

export function measure(dir: string): Measure[] {
  const out: Measure[] = [];
  for (const file of FILES) {
    const path = join(dir, file);
    if (!existsSync(path)) continue;
    const cases = parseLenient(readFileSync(path, 'utf8')) as ConfluentCase[];
    const m: Measure = { file, cases: 0, verdict: 0, rules: 0, paths: 0, lenientCases: 0, lenient: 0, misses: [] };
    for (const testCase of cases) {
      m.cases += 1;
      const versions = [testCase.original_schema, testCase.update_schema];
      const strict = diffSchemaValues(versions, { mode: 'BACKWARD', policy: 'STRICT' });
      const actual = strict.findings.map((finding) => `${finding.rule} #${finding.pointer}`);
      const kind: string[] = [];
      if (strict.compatible === testCase.compatible) m.verdict += 1;
      else kind.push('verdict');
      const expectedRules = testCase.changes.map((change) => change.split(' ')[0]!);
      if (
        sameSet(
          strict.findings.map((finding) => finding.rule),
          expectedRules,
        )
      )
        m.rules += 1;
      else kind.push('rules');
      if (sameSet(actual, testCase.changes)) m.paths += 1;
      else kind.push('paths');
      if (testCase.compatible_lenient !== undefined) {
        m.lenientCases += 1;
        const lenient = diffSchemaValues(versions, { mode: 'BACKWARD', policy: 'LENIENT' });
        if (lenient.compatible === testCase.compatible_lenient) m.lenient += 1;
        else kind.push('lenient');
      }
      if (kind.length > 0)
        m.misses.push({ description: testCase.description, kind, expected: testCase.changes, actual });
    }
    out.push(m);
  }
  return out;
}

function main(): void {
  const [dir, ...flags] = process.argv.slice(2);
  if (!dir || !existsSync(dir)) {
    console.log(`measure-confluent: no case directory${dir ? ` at ${dir}` : ''}; nothing measured.`);
    return;
  }
  const results = measure(dir);
  if (flags.includes('--json')) {
    console.log(JSON.stringify(results, null, 2));
    return;
  }
  const total = { cases: 0, verdict: 0, rules: 0, paths: 0, lenientCases: 0, lenient: 0 };
  for (const m of results) {
    for (const key of Object.keys(total) as Array<keyof typeof total>) total[key] += m[key];
    console.log(
      `${m.file}: verdict ${m.verdict}/${m.cases}, rules ${m.rules}/${m.cases}, rules+paths ${m.paths}/${m.cases}, lenient ${m.lenient}/${m.lenientCases}`,
    );
    if (flags.includes('--misses')) {
      for (const miss of m.misses) {
        if (flags.includes('--no-paths') && miss.kind.length === 1 && miss.kind[0] === 'paths') continue;
        console.log(`  - [${miss.kind.join(',')}] ${miss.description}`);
        console.log(`      confluent: ${JSON.stringify(miss.expected)}`);
        console.log(`      ours:      ${JSON.stringify(miss.actual)}`);
      }
    }
  }
  console.log(
    `total: verdict ${total.verdict}/${total.cases}, rules ${total.rules}/${total.cases}, rules+paths ${total.paths}/${total.cases}, lenient ${total.lenient}/${total.lenientCases}`,
  );
}

main();
