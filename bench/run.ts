/**
 * `npm run bench`: runs every bench/*.bench.ts in its own process, one after another (two
 * cores here: running them together would measure contention), and prints their markdown.
 * `npm run bench -- --write` also replaces the results block in docs/benchmarks.md.
 * `npm run bench -- store` runs only the benches whose file name contains "store".
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const benchDir = dirname(fileURLToPath(import.meta.url));
const docPath = join(benchDir, '..', 'docs', 'benchmarks.md');
const BEGIN = '<!-- bench:begin -->';
const END = '<!-- bench:end -->';

const args = process.argv.slice(2);
const write = args.includes('--write');
const filters = args.filter((arg) => !arg.startsWith('--'));
const files = readdirSync(benchDir)
  .filter((name) => name.endsWith('.bench.ts'))
  .filter((name) => filters.length === 0 || filters.some((filter) => name.includes(filter)))
  .sort();

const sections: string[] = [];
let failed = 0;
for (const file of files) {
  process.stderr.write(`bench: ${file}\n`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(benchDir, file)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0) {
    failed += 1;
    sections.push(`### ${file}\n\nFailed with exit code ${run.status}.\n`);
    continue;
  }
  sections.push(`### ${file}\n\n${run.stdout.trim()}\n`);
}

const cpu = cpus()[0]?.model ?? 'unknown CPU';
const header = `Run on ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpus().length} × ${cpu}.\n`;
const report = [header, ...sections].join('\n');
process.stdout.write(`${report}\n`);

if (write) {
  const doc = readFileSync(docPath, 'utf8');
  const start = doc.indexOf(BEGIN);
  const end = doc.indexOf(END);
  if (start < 0 || end < start) throw new Error(`${docPath} has no ${BEGIN} ... ${END} block`);
  writeFileSync(docPath, `${doc.slice(0, start + BEGIN.length)}\n${report}\n${doc.slice(end)}`);
}
process.exitCode = failed === 0 ? 0 : 1;
