/**
 * Generation time: `generate()` (guard → registry: @asyncapi/parser, reader, ajv checks → model →
 * ajv standalone validators → templates, laid out (decision 0130) → files written to a fresh
 * folder) for the project registry and for synthetic registries of 10, 100 and 1,000 events (one
 * version each, a shared $ref, enums, nullable, nested object, array).
 *
 * Baseline, in the same process and the same run: @asyncapi/parser parsing the same document (the
 * same bytes, its `$ref`d schema files read through the same file resolver), i.e. the one step
 * `generate` cannot skip. Each round copies the registry and appends a comment naming the round to
 * the document, so that no per-content cache (the registry's validation memo) serves a round from
 * an earlier one: every round pays what a fresh `event-bus generate` pays, minus Node and Spectral
 * start-up (a warm-up parse, reported). Rounds alternate which of the two goes first; medians of
 * wall and of CPU time (this process's user + system), ratio = generate ÷ parser. Markdown to stdout.
 */
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { Parser } from '@asyncapi/parser';
import { generate } from '../generator/index.js';
import { REPO_ROOT } from './support/repo-root.js';
import { QUICK, sized } from './support/quick.js';


const ROOT = REPO_ROOT;
const SIZES = QUICK ? [10, 20] : [10, 100, 1000];
/** The per-event baseline: big enough that fixed costs no longer dominate. */
const BASELINE_SIZE = QUICK ? 20 : 100;
const ROUNDS = sized(5, 1);
/** The 1,000-event registry takes tens of seconds a round on a loaded machine. */
const roundsFor = (events: number): number => (events >= 1000 ? sized(3, 1) : ROUNDS);
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

/** CPU time of this process in ms: what a step costs, whatever else shares the machine. */
const cpuMs = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

const parser = new Parser();

/** The baseline: @asyncapi/parser on the document's bytes, `$ref`d files read from disk as generate reads them. */
async function parseOnly(input: string): Promise<void> {
  const text = await readFile(input, 'utf8');
  const { diagnostics } = await parser.parse(text, {
    source: input,
    __unstable: { resolver: { resolvers: [{ schema: 'file', order: 1, read: (uri: { toString(): string }) => readFileSync(fileURLToPath(uri.toString()), 'utf8') }] } },
  });
  if (diagnostics.some((diagnostic) => diagnostic.severity === 0)) throw new Error(`bench: the parser rejects ${input}`);
}

interface Sample {
  wallMs: number;
  cpuMs: number;
}

async function timed(action: () => Promise<unknown>): Promise<Sample> {
  const cpuStart = cpuMs();
  const start = performance.now();
  await action();
  return { wallMs: performance.now() - start, cpuMs: cpuMs() - cpuStart };
}

interface Row {
  name: string;
  events: number;
  files: number;
  generate: Sample;
  parse: Sample;
  /** Median of the per-round CPU ratios generate ÷ parser. */
  cpuRatio: number;
  wallRatio: number;
}

/** A copy of the registry (its document and schemas/) whose document ends in a comment naming the round: same content, new bytes. */
async function roundCopy(registryDir: string, document: string, work: string, round: number): Promise<string> {
  const dir = path.join(work, `round-${round}`);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  for (const entry of [document, 'schemas']) await cp(path.join(registryDir, entry), path.join(dir, entry), { recursive: true });
  const input = path.join(dir, document);
  await writeFile(input, `${await readFile(input, 'utf8')}\n# bench round ${round}\n`);
  return input;
}

async function measure(name: string, events: number, registryDir: string, document: string, work: string): Promise<Row> {
  const generateSamples: Sample[] = [];
  const parseSamples: Sample[] = [];
  const cpuRatios: number[] = [];
  const wallRatios: number[] = [];
  let files = 0;
  for (let round = 0; round < roundsFor(events); round += 1) {
    const input = await roundCopy(registryDir, document, work, round);
    const out = path.join(path.dirname(input), 'out');
    const runGenerate = async (): Promise<Sample> =>
      timed(async () => {
        files = (await generate({ input, out })).files.length;
      });
    const runParse = (): Promise<Sample> => timed(() => parseOnly(input));
    let generated: Sample;
    let parsed: Sample;
    if (round % 2 === 0) {
      parsed = await runParse();
      generated = await runGenerate();
    } else {
      generated = await runGenerate();
      parsed = await runParse();
    }
    generateSamples.push(generated);
    parseSamples.push(parsed);
    cpuRatios.push(generated.cpuMs / parsed.cpuMs);
    wallRatios.push(generated.wallMs / parsed.wallMs);
  }
  const mid = (samples: Sample[]): Sample => ({ wallMs: median(samples.map((s) => s.wallMs)), cpuMs: median(samples.map((s) => s.cpuMs)) });
  return { name, events, files, generate: mid(generateSamples), parse: mid(parseSamples), cpuRatio: median(cpuRatios), wallRatio: median(wallRatios) };
}

const work = await mkdtemp(path.join(os.tmpdir(), 'event-bus-bench-'));
const rows: Row[] = [];
let warmUp: Sample;
try {
  // Warm-up: Spectral's start-up and the first compile of every module, paid once per process.
  warmUp = await timed(() => parseOnly(path.join(ROOT, 'asyncapi.yaml')));
  await generate({ input: path.join(ROOT, 'asyncapi.yaml'), out: path.join(work, 'warm-up') });
  log('bench: project registry');
  rows.push(await measure('project registry (asyncapi.yaml)', 10, ROOT, 'asyncapi.yaml', path.join(work, 'project')));
  for (const size of SIZES) {
    log(`bench: synthetic registry of ${size} events`);
    const dir = path.join(work, `synthetic-${size}`);
    await writeSyntheticRegistry(dir, size);
    rows.push(await measure(`synthetic, ${size} events`, size, dir, 'asyncapi.yaml', path.join(work, `rounds-${size}`)));
  }
} finally {
  await rm(work, { recursive: true, force: true });
}

const baseline = rows.find((row) => row.name.startsWith('synthetic') && row.events === BASELINE_SIZE)!;
const perEvent = (row: Row): number => row.generate.cpuMs / row.events;
const lines = [
  `\`generate()\` against @asyncapi/parser parsing the same bytes, in one process after a warm-up (Spectral start-up: the first parse took ${Math.round(warmUp.wallMs)} ms wall, ${Math.round(warmUp.cpuMs)} ms CPU), on the built output. ${ROUNDS} rounds (${roundsFor(1000)} for 1,000 events), each on a fresh copy of the registry (no cache serves a round), alternating which goes first; medians; ratios are medians of the per-round ratios generate ÷ parser. Growth: CPU per event against the ${baseline.events}-event registry.`,
  '',
  '| registry | events | files | generate wall (ms) | parser wall (ms) | wall ratio | generate CPU (ms) | parser CPU (ms) | CPU ratio | CPU ms per event | per-event ratio |',
  '| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...rows.map(
    (row) =>
      `| ${row.name} | ${row.events} | ${row.files} | ${Math.round(row.generate.wallMs)} | ${Math.round(row.parse.wallMs)} | ${row.wallRatio.toFixed(2)}× | ${Math.round(row.generate.cpuMs)} | ${Math.round(row.parse.cpuMs)} | ${row.cpuRatio.toFixed(2)}× | ${perEvent(row).toFixed(1)} | ${(perEvent(row) / perEvent(baseline)).toFixed(2)}× |`,
  ),
  '',
  'Linear growth shows as a per-event ratio near 1.00× from the baseline up (below it, fixed costs dominate small registries). Wall time includes waiting for the cores when other processes run; CPU time does not.',
];
process.stdout.write(`${lines.join('\n')}\n`);
