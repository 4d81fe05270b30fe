/**
 * `npm run bench`: compiles the benches and the code they measure with tsc into dist-bench/ (the
 * built output users run, not tsx's on-the-fly transform, which costs generation ~1.5× the CPU),
 * then runs every bench in its own process, one after another (two cores here: running them
 * together would measure contention), and prints their markdown.
 * `npm run bench -- --write` also replaces the results block in docs/benchmarks.md.
 * `npm run bench -- store` runs only the benches whose file name contains "store".
 * `npm run bench -- --quick` is a smoke run (one round, small counts; figures not comparable).
 * `npm run bench -- --large` adds the largest sizes (a 10⁶-event stream).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const benchDir = dirname(fileURLToPath(import.meta.url));
const docPath = join(benchDir, '..', 'docs', 'benchmarks.md');
const BEGIN = '<!-- bench:begin -->';
const END = '<!-- bench:end -->';

const repoRoot = join(benchDir, '..');
const buildDir = join(repoRoot, 'dist-bench');
const args = process.argv.slice(2);
const write = args.includes('--write');
const quick = args.includes('--quick');
const large = args.includes('--large');
const filters = args.filter((arg) => !arg.startsWith('--'));
const files = readdirSync(benchDir)
  .filter((name) => name.endsWith('.bench.ts'))
  .filter((name) => filters.length === 0 || filters.some((filter) => name.includes(filter)))
  .sort();

/** tsc into dist-bench/, plus the SQL migrations the stores read next to their modules. */
function build(): void {
  process.stderr.write('bench: compiling with tsc -p tsconfig.bench.json\n');
  rmSync(buildDir, { recursive: true, force: true });
  const tsc = spawnSync(join(repoRoot, 'node_modules', '.bin', 'tsc'), ['-p', join(repoRoot, 'tsconfig.bench.json')], { stdio: 'inherit' });
  if (tsc.status !== 0) throw new Error(`bench: tsc failed with exit code ${tsc.status}`);
  for (const entry of readdirSync(repoRoot, { recursive: true, withFileTypes: true })) {
    const relative = join(entry.parentPath, entry.name).slice(repoRoot.length + 1);
    if (!entry.isDirectory() || entry.name !== 'migrations' || /^(node_modules|dist|dist-bench|\.git)\b/.test(relative)) continue;
    if (existsSync(join(buildDir, relative, '..'))) cpSync(join(repoRoot, relative), join(buildDir, relative), { recursive: true });
  }
}

build();
const sections: string[] = [];
let failed = 0;
for (const file of files) {
  process.stderr.write(`bench: ${file}\n`);
  const built = join(buildDir, 'bench', file.replace(/\.ts$/, '.js'));
  const run = spawnSync(process.execPath, [built], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, ...(quick && { EVENT_BUS_BENCH_QUICK: '1' }), ...(large && { EVENT_BUS_BENCH_LARGE: '1' }) },
  });
  if (run.status !== 0) {
    failed += 1;
    sections.push(`### ${file}\n\nFailed with exit code ${run.status}.\n`);
    continue;
  }
  sections.push(`### ${file}\n\n${run.stdout.trim()}\n`);
}

const cpu = cpus()[0]?.model ?? 'unknown CPU';
const header = `Run on ${new Date().toISOString().slice(0, 10)}, Node ${process.version}, ${cpus().length} × ${cpu}, built output (tsc)${quick ? ', QUICK smoke run: figures not comparable' : ''}.\n`;
const report = [header, ...sections].join('\n');
process.stdout.write(`${report}\n`);

if (write && quick) throw new Error('bench: --quick figures are not for docs/benchmarks.md; run without --quick');
if (write) {
  const doc = readFileSync(docPath, 'utf8');
  const start = doc.indexOf(BEGIN);
  const end = doc.indexOf(END);
  if (start < 0 || end < start) throw new Error(`${docPath} has no ${BEGIN} ... ${END} block`);
  writeFileSync(docPath, `${doc.slice(0, start + BEGIN.length)}\n${report}\n${doc.slice(end)}`);
}
process.exitCode = failed === 0 ? 0 : 1;
