/**
 * Hostile input (docs/security.md), measured:
 * - the adversarial pattern `^(a+)+$`: ECMAScript RegExp (what validators used before) against
 *   the RE2 engine generated validators use now, by input length;
 * - the product's generated validators fed 1 MiB hostile strings in every string position;
 * - the time `generate` takes to refuse each hostile registry, and HTTP requests a local server
 *   counted meanwhile. Markdown to stdout.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generate } from '../generator/index.js';
import { compileLinearPattern } from '../generator/guard/index.js';
import { HOSTILE_CASES } from '../test/security/hostile-registries.js';
import { writeRegistry } from '../test/security/support.js';
import { REPO_ROOT } from './support/repo-root.js';

/** The tree this bench runs from (the repository under tsx, dist-bench/ when built) and the repository. */
const BUILT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ROOT = REPO_ROOT;
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const time = (run: () => unknown): number => {
  const start = performance.now();
  run();
  return performance.now() - start;
};
const ms = (value: number): string => (value >= 100 ? value.toFixed(0) : value >= 1 ? value.toFixed(1) : value.toFixed(3));

const lines: string[] = [];
lines.push('Pattern `^(a+)+$` on `"a" × n + "!"` (no match), median of 5:', '', '| n | ECMAScript RegExp (ms) | RE2 / re2js (ms) |', '| ---: | ---: | ---: |');
const native = /^(a+)+$/u;
const linear = compileLinearPattern('^(a+)+$');
for (const n of [16, 20, 22, 24, 30, 1024, 1024 * 1024]) {
  const input = `${'a'.repeat(n)}!`;
  const nativeMs = n <= 24 ? median([0, 1, 2, 3, 4].map(() => time(() => native.test(input)))) : undefined;
  const linearMs = median([0, 1, 2, 3, 4].map(() => time(() => linear.test(input))));
  lines.push(`| ${n.toLocaleString('en')} | ${nativeMs === undefined ? 'not run (doubles per character: 13.6 s at 30 in the issue)' : ms(nativeMs)} | ${ms(linearMs)} |`);
}

// The product's validators, every string of every example replaced by 1 MiB hostile strings.
const MIB = 1024 * 1024;
const hostile = [`${'a'.repeat(MIB)}!`, `a@${'a'.repeat(MIB)}`, `a@${'a-'.repeat(MIB / 2)}!`, `${'0'.repeat(MIB)}x`, `${'a.'.repeat(MIB / 2)}@`, `http://${'a'.repeat(MIB)}!`, `2020-01-01T00:00:00${'0'.repeat(MIB)}`, `en-${'A'.repeat(MIB)}`];
const leaves = (value: unknown, at: string[] = []): string[][] =>
  typeof value === 'string' ? [at] : value && typeof value === 'object' ? Object.entries(value).flatMap(([key, item]) => leaves(item, [...at, key])) : [];
const replaced = (value: unknown, at: string[], text: string): unknown => {
  const copy = structuredClone(value) as Record<string, unknown>;
  let node = copy;
  for (const key of at.slice(0, -1)) node = node[key] as Record<string, unknown>;
  node[at[at.length - 1]!] = text;
  return copy;
};
let cases = 0;
const timings: number[] = [];
let worst = { ms: 0, where: '' };
for (const file of readdirSync(path.join(BUILT, 'generated', 'validators'))) {
  const match = /^(.*)\.v(\d+)\.[jt]s$/.exec(file);
  if (!match || file.endsWith('.d.ts')) continue;
  const { validate } = (await import(path.join(BUILT, 'generated', 'validators', file))) as { validate: (data: unknown) => boolean };
  const [, type, version] = match;
  const schema = JSON.parse(readFileSync(path.join(ROOT, 'schemas', type!, `${version}.json`), 'utf8')) as { examples?: unknown[] };
  for (const example of schema.examples ?? []) {
    for (const at of leaves(example)) {
      for (const text of hostile) {
        const input = replaced(example, at, text);
        const elapsed = time(() => validate(input));
        cases += 1;
        timings.push(elapsed);
        if (elapsed > worst.ms) worst = { ms: elapsed, where: `${type} v${version} /${at.join('/')}` };
      }
    }
  }
}
lines.push(
  '',
  `Generated validators of this registry, every example string replaced by one of ${hostile.length} hostile 1 MiB strings: ${cases} validations, median ${ms(median(timings))} ms, worst ${ms(worst.ms)} ms (${worst.where}).`,
);

// Hostile registries: time until generate() refuses, and requests a local server saw.
let requests = 0;
const server = createServer((_request, response) => {
  requests += 1;
  response.end('{}');
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const address = server.address() as { port: number };
const url = `http://127.0.0.1:${address.port}`;
lines.push('', '`generate` on each hostile registry (median of 3; all refused with exit 2):', '', '| registry | refused with | time to refuse (ms) |', '| --- | --- | ---: |');
for (const hostileCase of HOSTILE_CASES) {
  const registry = await writeRegistry(hostileCase.files({ url }));
  const runs: number[] = [];
  let code = '';
  for (let run = 0; run < 3; run += 1) {
    const start = performance.now();
    await generate({ input: registry.input, out: registry.out }).catch((error: unknown) => {
      code = (error as { guardCode?: string }).guardCode ?? String(error);
    });
    runs.push(performance.now() - start);
  }
  lines.push(`| ${hostileCase.name} | \`${code}\` | ${ms(median(runs))} |`);
}
server.close();
lines.push('', `HTTP requests the local server counted during all of the above: ${requests}.`);
process.stdout.write(`${lines.join('\n')}\n`);
