/**
 * The package's import cost (issue 14; decision 0135): fresh `node` processes on the built output
 * (tsc's, bundled by scripts/bundle.mjs as `npm run build` does: what the exports map points at),
 * each importing one thing and reporting the wall and CPU time from the start of its import to
 * the end of the first construction, plus which modules it loaded.
 *
 * Baseline: `import('@google-cloud/pubsub')` alone (what any Pub/Sub user pays anyway).
 * Candidates: the package root + a Pub/Sub publisher (everything a Pub/Sub user loads: the root,
 * `new EventPublisher({ transport: 'pubsub' })`, which builds the Pub/Sub client); the root + an
 * in-process publisher; `./runtime` + an in-process transport. Reference rows: tsc's unbundled
 * output (what the package shipped before decision 0135), and the baseline plus `new PubSub()`,
 * what building the client itself adds on top of its import.
 *
 * Rounds run every case once, one process after another (never two at once: two cores here), and
 * alternate the order each round (forwards, backwards), so drift in the machine's load falls on
 * all cases alike. Medians over rounds; ratio = candidate median ÷ baseline median, for CPU and wall.
 * Markdown to stdout, progress to stderr.
 */
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
// Type-only: puts the entry points into the bench's tsc program, so dist-bench/ has their built output.
import type * as PackageRoot from '../index.js';
import type * as PackageRuntime from '../runtime/index.js';
import { sized } from './support/quick.js';
import { REPO_ROOT } from './support/repo-root.js';

export type Entry = typeof PackageRoot | typeof PackageRuntime;

/** The tree this bench runs from: dist-bench/ (npm run bench), tsc's output, bundled here as `npm run build` bundles dist/. */
const BUILT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
if (fileURLToPath(import.meta.url).endsWith('.ts')) throw new Error('import bench: run it on the built output (npm run bench -- import)');
const bundle = spawnSync(process.execPath, [path.join(REPO_ROOT, 'scripts', 'bundle.mjs'), BUILT, 'index', 'runtime'], { stdio: 'inherit' });
if (bundle.status !== 0) throw new Error(`import bench: scripts/bundle.mjs exited ${bundle.status}`);
/** What the package's exports map points at (dist/esm/ in the package). */
const ROOT_ENTRY = JSON.stringify(path.join(BUILT, 'esm', 'index.js'));
const RUNTIME_ENTRY = JSON.stringify(path.join(BUILT, 'esm', 'runtime.js'));
/** tsc's unbundled output, what the exports map pointed at before decision 0135. */
const UNBUNDLED_ROOT_ENTRY = JSON.stringify(path.join(BUILT, 'index.js'));
const ROUNDS = sized(15, 2);

interface Case {
  readonly name: string;
  /** Module code run after the clock starts; the clock stops when it settles. */
  readonly body: string;
}

const BASELINE: Case = { name: "`import('@google-cloud/pubsub')` alone (baseline)", body: "await import('@google-cloud/pubsub');" };
const CASES: readonly Case[] = [
  BASELINE,
  {
    name: 'root + Pub/Sub publisher (`new EventPublisher({ transport: "pubsub" })`)',
    body: `const sdk = await import(${ROOT_ENTRY}); globalThis.keep = new sdk.EventPublisher({ transport: 'pubsub', projectId: 'import-bench' });`,
  },
  {
    name: 'root + in-process publisher',
    body: `const sdk = await import(${ROOT_ENTRY}); globalThis.keep = new sdk.EventPublisher({ transport: 'in-process' });`,
  },
  {
    name: '`./runtime` + in-process transport',
    body: `const runtime = await import(${RUNTIME_ENTRY}); globalThis.keep = new runtime.InProcessTransport();`,
  },
  {
    name: 'reference: unbundled tsc output, root + Pub/Sub publisher',
    body: `const sdk = await import(${UNBUNDLED_ROOT_ENTRY}); globalThis.keep = new sdk.EventPublisher({ transport: 'pubsub', projectId: 'import-bench' });`,
  },
  {
    name: 'reference: baseline + `new PubSub()`',
    body: "const { PubSub } = await import('@google-cloud/pubsub'); globalThis.keep = new PubSub({ projectId: 'import-bench' });",
  },
];

/** The child: times `body`, then reports the times and the modules loaded (CommonJS cache + ESM files of this tree). */
const script = (body: string): string => `
import { createRequire } from 'node:module';
const cpu0 = process.cpuUsage();
const t0 = performance.now();
${body}
const wallMs = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
const files = Object.keys(createRequire(import.meta.url).cache);
const packages = {};
for (const file of files) {
  const match = /.*\\/node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(file);
  const name = match ? match[1] : '(own)';
  packages[name] = (packages[name] ?? 0) + 1;
}
process.stdout.write(JSON.stringify({ wallMs, cpuMs: (cpu.user + cpu.system) / 1000, commonJs: files.length, packages }) + '\\n');
process.exit(0);
`;

interface Sample {
  wallMs: number;
  cpuMs: number;
  commonJs: number;
  packages: Record<string, number>;
}

function runCase(item: Case): Sample {
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script(item.body)], {
    cwd: BUILT,
    encoding: 'utf8',
    // No emulator, no project from the environment: the publisher must not connect anywhere.
    env: { ...process.env, PUBSUB_EMULATOR_HOST: '', EVENT_BUS_TRANSPORT: '', NODE_OPTIONS: '' },
  });
  if (run.status !== 0) throw new Error(`import bench: ${item.name} exited ${run.status}: ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').pop()!) as Sample;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

const log = (line: string): void => void process.stderr.write(`${line}\n`);
const loadBefore = loadavg()[0]!;
const samples = new Map<Case, Sample[]>(CASES.map((item) => [item, []]));
for (const item of CASES) runCase(item); // warm the file system cache; not recorded
for (let round = 0; round < ROUNDS; round += 1) {
  const order = round % 2 === 0 ? CASES : [...CASES].reverse();
  for (const item of order) samples.get(item)!.push(runCase(item));
  log(`import bench: round ${round + 1}/${ROUNDS}`);
}
const loadAfter = loadavg()[0]!;

const baseline = samples.get(BASELINE)!;
const baseCpu = median(baseline.map((sample) => sample.cpuMs));
const baseWall = median(baseline.map((sample) => sample.wallMs));
const basePackages = baseline[0]!.packages;
const lines = [
  `${ROUNDS} rounds of one fresh \`node\` process per case, order alternating each round; built output (tsc, then bundled as by \`npm run build\`); times from the start of the import to the end of the construction (Node's own start-up excluded); medians. Load average (1 min) ${loadBefore.toFixed(1)} before, ${loadAfter.toFixed(1)} after, on ${cpus().length} cores.`,
  '',
  '| case | CPU (ms) | CPU ratio | per-round CPU ratio | wall (ms) | wall ratio | CommonJS modules | beyond the baseline\'s packages |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
];
for (const item of CASES) {
  const own = samples.get(item)!;
  const cpu = median(own.map((sample) => sample.cpuMs));
  const wall = median(own.map((sample) => sample.wallMs));
  const packages = own[0]!.packages;
  // Each round's candidate ÷ the same round's baseline: both ran within seconds of each other.
  const paired = median(own.map((sample, round) => sample.cpuMs / baseline[round]!.cpuMs));
  const extra = Object.entries(packages)
    .filter(([name, count]) => count > (basePackages[name] ?? 0))
    .map(([name, count]) => `${name} ${count - (basePackages[name] ?? 0) === count ? count : `+${count - (basePackages[name] ?? 0)}`}`)
    .join(', ');
  lines.push(
    `| ${item.name} | ${cpu.toFixed(0)} | ${(cpu / baseCpu).toFixed(2)}× | ${paired.toFixed(2)}× | ${wall.toFixed(0)} | ${(wall / baseWall).toFixed(2)}× | ${own[0]!.commonJs} | ${item === BASELINE ? '–' : extra || 'none'} |`,
  );
}
lines.push(
  '',
  "Targets (issue 14): root + Pub/Sub publisher ≤ 1.05× the baseline; root for in-process use ≤ 0.5× and no `@grpc/grpc-js` loaded (asserted by test/package/lazy-loading.tools.test.ts). \"(own)\" counts this package's CommonJS files (its ESM files are not in the CommonJS cache).",
);
process.stdout.write(`${lines.join('\n')}\n`);
