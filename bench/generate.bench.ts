/**
 * Generation time (`renderRegistry`: parse → model → ajv standalone validators → templates →
 * prettier; nothing written) for the project registry and for synthetic registries of 50, 100
 * and 200 events (one version each, a shared $ref, enums, nullable, nested object, array), to
 * show growth is linear. Baseline: the 50-event registry. Each size runs in this process after a
 * warm-up, so parser start-up (Spectral, about 1 s) is reported separately. Markdown to stdout.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { renderRegistry } from '../generator/index.js';
import { loadRegistry } from '../registry/index.js';
import { REPO_ROOT } from './support/repo-root.js';
import { QUICK, sized } from './support/quick.js';

const ROOT = REPO_ROOT;
const SIZES = QUICK ? [10, 20] : [10, 100, 1000];
/** The per-event baseline: big enough that fixed costs no longer dominate. */
const BASELINE_SIZE = QUICK ? 20 : 100;
const RUNS = sized(3, 1);
const log = (line: string): void => void process.stderr.write(`${line}\n`);
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function writeSyntheticRegistry(dir: string, events: number): Promise<string> {
  await mkdir(path.join(dir, 'schemas', 'common'), { recursive: true });
  await writeFile(
    path.join(dir, 'schemas', 'common', 'ids.json'),
    JSON.stringify({
      $schema: 'http://json-schema.org/draft-07/schema#',
      $id: 'https://bench.example/events/common/ids.json',
      definitions: { Uuid: { title: 'Uuid', type: 'string', format: 'uuid' } },
    }),
  );
  const channels: string[] = [];
  const messages: string[] = [];
  for (let i = 0; i < events; i += 1) {
    const type = `entity${i}.changed`;
    await mkdir(path.join(dir, 'schemas', type), { recursive: true });
    await writeFile(
      path.join(dir, 'schemas', type, '1.json'),
      JSON.stringify({
        $schema: 'http://json-schema.org/draft-07/schema#',
        $id: `https://bench.example/events/${type}/1.json`,
        title: `Entity${i}ChangedV1`,
        description: `Entity ${i} changed.`,
        type: 'object',
        additionalProperties: false,
        required: ['id', 'status', 'count', 'note', 'changedAt', 'tags', 'detail'],
        properties: {
          id: { $ref: '../common/ids.json#/definitions/Uuid' },
          status: { description: 'Lifecycle state.', type: 'string', enum: ['new', 'active', 'archived'] },
          count: { type: 'integer', minimum: 0 },
          note: { type: ['string', 'null'], maxLength: 500 },
          changedAt: { type: 'string', format: 'date-time' },
          tags: { type: 'array', items: { type: 'string' }, maxItems: 20 },
          detail: {
            title: `Entity${i}Detail`,
            type: 'object',
            additionalProperties: false,
            required: ['score'],
            properties: { score: { type: 'number', minimum: 0, maximum: 1 }, label: { type: 'string' } },
          },
          extra: { type: 'object', additionalProperties: { type: 'string' } },
        },
        examples: [],
      }),
    );
    const key = `entity${i}Changed`;
    channels.push(
      `  ${key}:\n    address: ${type}\n    x-aggregate-type: entity${i}\n    x-ordering-key: aggregateId\n    messages:\n      ${key}V1:\n        $ref: '#/components/messages/${key}V1'`,
    );
    messages.push(`    ${key}V1:\n      x-event-type: ${type}\n      x-event-version: 1\n      payload:\n        $ref: './schemas/${type}/1.json'`);
  }
  const document = `asyncapi: 3.0.0\ninfo:\n  title: Bench\n  version: 1.0.0\nchannels:\n${channels.join('\n')}\ncomponents:\n  messages:\n${messages.join('\n')}\n`;
  await writeFile(path.join(dir, 'asyncapi.yaml'), document);
  return path.join(dir, 'asyncapi.yaml');
}

/** CPU time of this process in ms: what generation costs, whatever else shares the machine. */
const cpuMs = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

async function timeRender(input: string): Promise<{ totalMs: number; parseMs: number; cpuMs: number; files: number }> {
  const totals: number[] = [];
  const parses: number[] = [];
  const cpu: number[] = [];
  let files = 0;
  for (let run = 0; run < RUNS; run += 1) {
    const start = performance.now();
    const cpuStart = cpuMs();
    const registry = await loadRegistry({ file: input });
    parses.push(performance.now() - start);
    files = (await renderRegistry({ input, registry })).size;
    totals.push(performance.now() - start);
    cpu.push(cpuMs() - cpuStart);
  }
  return { totalMs: median(totals), parseMs: median(parses), cpuMs: median(cpu), files };
}

const coldStart = performance.now();
await loadRegistry({ file: path.join(ROOT, 'asyncapi.yaml') });
const coldParseMs = performance.now() - coldStart;

const rows: Array<{ name: string; events: number; totalMs: number; parseMs: number; cpuMs: number; files: number }> = [];
log('bench: project registry');
rows.push({ name: 'project registry (asyncapi.yaml)', events: 10, ...(await timeRender(path.join(ROOT, 'asyncapi.yaml'))) });
const work = await mkdtemp(path.join(os.tmpdir(), 'event-bus-bench-'));
try {
  for (const size of SIZES) {
    log(`bench: synthetic registry of ${size} events`);
    const input = await writeSyntheticRegistry(path.join(work, String(size)), size);
    rows.push({ name: `synthetic, ${size} events`, events: size, ...(await timeRender(input)) });
  }
} finally {
  await rm(work, { recursive: true, force: true });
}

const baseline = rows.find((row) => row.name.startsWith('synthetic') && row.events === BASELINE_SIZE)!;
const perEvent = (row: { cpuMs: number; events: number }): number => row.cpuMs / row.events;
const lines = [
  `Median of ${RUNS} runs each, in one process after warm-up (the first parse, with Spectral start-up, took ${Math.round(coldParseMs)} ms), on the built output. Baselines: @asyncapi/parser parsing the same document (\`parseRegistry\`, measured inside each run: "vs parser" = whole generation ÷ parse alone), and for growth the ${baseline.events}-event registry's CPU per event.`,
  '',
  '| registry | events | files | wall (ms) | of which parse (ms) | vs parser | CPU (ms) | CPU ms per event | per-event ratio |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...rows.map(
    (row) =>
      `| ${row.name} | ${row.events} | ${row.files} | ${Math.round(row.totalMs)} | ${Math.round(row.parseMs)} | ${(row.totalMs / row.parseMs).toFixed(2)}× | ${Math.round(row.cpuMs)} | ${perEvent(row).toFixed(1)} | ${(perEvent(row) / perEvent(baseline)).toFixed(2)}× |`,
  ),
  '',
  'Linear growth shows as a per-event ratio near 1.00× from the baseline up (below it, fixed costs such as the parser dominate small registries). Wall time includes waiting for the cores when other processes run.',
];
process.stdout.write(`${lines.join('\n')}\n`);
