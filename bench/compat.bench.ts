/**
 * The compatibility checker, against baselines measured in the same run:
 * 1. `check` (lock + compatibility of every version with the earlier ones) over a synthetic
 *    registry of 100 event types × 5 versions = 500 event versions, against (a) reading, parsing
 *    and canonically hashing the same 500 files and (b) ajv compiling the same 500 schemas.
 *    The AsyncAPI parser and the generator are left out (their own benchmarks measure them).
 * 2. `diff` of a large recursive schema (many definitions referring to one another, with cycles
 *    and anyOf) against a copy with deep changes, against parsing + hashing it and ajv compiling it.
 * Markdown goes to stdout, progress to stderr. Medians of several rounds.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Ajv } from 'ajv';
import * as ajvFormats from 'ajv-formats';
import { checkRegistry } from '../compat/check/check.js';
import { diffSchemas } from '../compat/diff/modes.js';
import { SchemaResolver } from '../compat/diff/resolver.js';
import { canonicalHash } from '../compat/json.js';
import { SourceLocator } from '../registry/locate.js';
import { MemorySource } from '../compat/sources.js';
import { sized } from './support/quick.js';

/** `check` runs at 100 and 1,000 event versions (types × versions per type), to show growth. */
const EVENT_TYPE_COUNTS = [sized(20, 2), sized(200, 10)];
const VERSIONS_PER_TYPE = 5;
const ROUNDS = sized(5, 1);
const DEFINITIONS = sized(300, 30);
/** The worst case for Confluent's matching: anyOf branches naming different definitions pair every definition with every other. */
const ADVERSARIAL_DEFINITIONS = sized(80, 10);
const log = (line: string): void => void process.stderr.write(`${line}\n`);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function time(rounds: number, run: () => unknown): Promise<number> {
  const samples: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    const start = performance.now();
    await run();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

// ---- 1. a synthetic registry -----------------------------------------------------------------

function versionSchema(type: string, version: number): Record<string, unknown> {
  const properties: Record<string, unknown> = {
    id: { $ref: '../common/ids.json#/definitions/Uuid' },
    occurredAt: { type: 'string', format: 'date-time' },
    amount: { type: 'number', minimum: 0 },
    status: { type: 'string', enum: ['new', 'active', 'closed'] },
    tags: { type: 'array', items: { type: 'string', maxLength: 40 }, uniqueItems: true },
    details: {
      title: 'Details',
      type: 'object',
      additionalProperties: false,
      required: ['note'],
      properties: { note: { type: 'string', maxLength: 500 }, count: { type: 'integer', minimum: 0 } },
    },
  };
  // Each version adds one optional property: BACKWARD compatible with a closed content model.
  for (let extra = 2; extra <= version; extra += 1)
    properties[`field${extra}`] = { type: ['string', 'null'], maxLength: 100 };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: `https://schemas.bench.test/events/${type}/${version}.json`,
    title: `Event${version}`,
    type: 'object',
    additionalProperties: false,
    required: ['id', 'occurredAt', 'status'],
    properties,
  };
}

function writeRegistry(root: string, eventTypes: number): string[] {
  const files: string[] = [];
  mkdirSync(join(root, 'schemas', 'common'), { recursive: true });
  writeFileSync(join(root, 'schemas', 'common', 'ids.json'), JSON.stringify(COMMON_IDS, null, 2));
  const channels: string[] = [];
  const messages: string[] = [];
  for (let t = 0; t < eventTypes; t += 1) {
    const type = `thing${t}.happened`;
    const channel = `thing${t}Happened`;
    mkdirSync(join(root, 'schemas', type), { recursive: true });
    const refs: string[] = [];
    for (let v = 1; v <= VERSIONS_PER_TYPE; v += 1) {
      const file = join(root, 'schemas', type, `${v}.json`);
      writeFileSync(file, JSON.stringify(versionSchema(type, v), null, 2));
      files.push(file);
      refs.push(`      ${channel}V${v}:\n        $ref: '#/components/messages/${channel}V${v}'`);
      messages.push(
        `    ${channel}V${v}:\n      name: ${type}\n      x-event-version: ${v}\n      payload:\n        $ref: './schemas/${type}/${v}.json'`,
      );
    }
    // FULL would refuse the new optional properties (closed objects), so the mix is BACKWARD, BACKWARD_TRANSITIVE and NONE.
    const mode = t % 4 === 0 ? 'BACKWARD_TRANSITIVE' : t % 4 === 1 ? 'NONE' : 'BACKWARD';
    const reason = mode === 'BACKWARD' ? '' : `\n    x-compatibility-reason: synthetic`;
    channels.push(
      `  ${channel}:\n    address: ${type}\n    x-compatibility: ${mode}${reason}\n    messages:\n${refs.join('\n')}`,
    );
  }
  writeFileSync(
    join(root, 'asyncapi.yaml'),
    `asyncapi: 3.0.0\ninfo:\n  title: bench\n  version: 1.0.0\nchannels:\n${channels.join('\n')}\ncomponents:\n  messages:\n${messages.join('\n')}\n`,
  );
  return files;
}

const addFormats = ajvFormats.default as unknown as (ajv: Ajv) => Ajv;
const COMMON_IDS = {
  $id: 'https://schemas.bench.test/events/common/ids.json',
  definitions: { Uuid: { type: 'string', format: 'uuid' } },
};

/** What the generator does per version: one ajv instance, shared definitions added once, every schema compiled. */
function ajvCompileAll(schemas: unknown[]): void {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema(COMMON_IDS);
  for (const schema of schemas) ajv.compile(schema as object);
}

// ---- 2. a large recursive schema -------------------------------------------------------------

function recursiveSchema(changed: boolean, size: number, crossing: boolean): Record<string, unknown> {
  const definitions: Record<string, unknown> = {};
  for (let d = 0; d < size; d += 1) {
    const next = (offset: number): string => `#/definitions/Node${(d + offset) % size}`;
    const deep = changed && d % 50 === 7;
    definitions[`Node${d}`] = {
      title: `Node${d}`,
      type: 'object',
      additionalProperties: false,
      required: ['id'],
      properties: {
        id: { type: 'string', maxLength: deep ? 32 : 64 },
        label: { type: ['string', 'null'], minLength: 1 },
        weight: { type: 'number', minimum: 0, maximum: deep ? 10 : 100 },
        self: { $ref: `#/definitions/Node${d}` },
        children: { type: 'array', items: { $ref: next(1) }, maxItems: 50 },
        sibling: { $ref: next(7) },
        either: {
          anyOf: crossing
            ? [{ $ref: next(3) }, { $ref: next(11) }, { type: 'null' }]
            : [{ $ref: next(1) }, { type: 'null' }],
        },
        kind: { type: 'string', enum: deep ? ['a', 'b'] : ['a', 'b', 'c'] },
        ...(changed && d % 60 === 0 ? { extra: { type: 'string' } } : {}),
      },
    };
  }
  return { $schema: 'http://json-schema.org/draft-07/schema#', definitions, $ref: '#/definitions/Node0' };
}

interface DiffRun {
  diffMs: number;
  parseHashMs: number;
  /** Undefined when ajv could not compile the schema (stack overflow). */
  ajvMs: number | undefined;
  comparisons: number;
  findings: number;
  kib: string;
}

async function benchDiff(size: number, crossing: boolean): Promise<DiffRun> {
  const oldText = JSON.stringify(recursiveSchema(false, size, crossing), null, 2);
  const newText = JSON.stringify(recursiveSchema(true, size, crossing), null, 2);
  let comparisons = 0;
  let findings = 0;
  const diffMs = await time(ROUNDS, () => {
    const source = new MemorySource({ '/bench/old.json': oldText, '/bench/new.json': newText });
    const resolver = new SchemaResolver(source);
    const result = diffSchemas(
      new SourceLocator(),
      resolver.rootNode('/bench/old.json'),
      resolver.rootNode('/bench/new.json'),
      {
        mode: 'FULL',
        policy: 'STRICT',
      },
    );
    comparisons = result.comparisons;
    findings = result.findings.length;
  });
  const parseHashMs = await time(ROUNDS, () => [
    canonicalHash(JSON.parse(oldText)),
    canonicalHash(JSON.parse(newText)),
  ]);
  let ajvMs: number | undefined;
  try {
    ajvMs = await time(ROUNDS, () => {
      // Two instances: both schemas have no $id, so one instance would refuse the second.
      ajvCompileAll([JSON.parse(oldText)]);
      ajvCompileAll([JSON.parse(newText)]);
    });
  } catch (error) {
    // ajv compiles by recursion on the call stack; a long chain of definitions overflows it.
    if (!(error instanceof RangeError)) throw error;
  }
  log(`compat: diff of ${size} definitions ${diffMs.toFixed(1)} ms (${comparisons} pairs, ${findings} findings)`);
  return { diffMs, parseHashMs, ajvMs, comparisons, findings, kib: (oldText.length / 1024).toFixed(0) };
}

async function main(): Promise<void> {
  const rows: string[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'compat-bench-'));
  try {
    const checks: string[] = [];
    for (const eventTypes of EVENT_TYPE_COUNTS) {
      const root = join(dir, `registry-${eventTypes}`);
      mkdirSync(root, { recursive: true });
      log(`compat: writing ${eventTypes * VERSIONS_PER_TYPE} event versions`);
      const files = writeRegistry(root, eventTypes);
      const readAndHash = (): unknown[] =>
        files
          .map((file) => JSON.parse(readFileSync(file, 'utf8')) as unknown)
          .map((schema) => (canonicalHash(schema), schema));
      const schemas = readAndHash();
      let findings = -1;
      const checkMs = await time(ROUNDS, async () => {
        const report = await checkRegistry({ root, asyncapi: false, generated: false, updateLock: false });
        findings = report.findings.filter((finding) => !finding.compatible).length;
      });
      if (findings !== 0) throw new Error(`the synthetic registry should pass, got ${findings} findings`);
      const hashMs = await time(ROUNDS, readAndHash);
      const ajvMs = await time(ROUNDS, () => ajvCompileAll(schemas));
      log(`compat: check ${checkMs.toFixed(1)} ms, hash ${hashMs.toFixed(1)} ms, ajv ${ajvMs.toFixed(1)} ms`);
      checks.push(
        `| \`check\` (lock + compatibility), ${files.length} event versions, ${eventTypes} types | ${checkMs.toFixed(1)} ms (${(checkMs / files.length).toFixed(2)} ms/version) | ${hashMs.toFixed(1)} ms | ${(checkMs / hashMs).toFixed(2)}× | ${ajvMs.toFixed(1)} ms | ${(checkMs / ajvMs).toFixed(2)}× |`,
      );
    }

    const recursive = await benchDiff(DEFINITIONS, false);
    const adversarial = await benchDiff(ADVERSARIAL_DEFINITIONS, true);

    const ratio = (value: number, base: number): string => `${(value / base).toFixed(2)}×`;
    rows.push('| case | median | baseline: parse + canonical sha256 | ratio | baseline: ajv compile | ratio |');
    rows.push('| --- | ---: | ---: | ---: | ---: | ---: |');
    rows.push(...checks);
    for (const [label, run] of [
      [`recursive schema of ${DEFINITIONS} definitions (cycles, self and chained refs, nullable anyOf)`, recursive],
      [
        `adversarial: ${ADVERSARIAL_DEFINITIONS} definitions whose anyOf branches name different definitions`,
        adversarial,
      ],
    ] as const) {
      rows.push(
        `| \`diff --mode FULL\`, ${label}, ${run.kib} KiB | ${run.diffMs.toFixed(1)} ms | ${run.parseHashMs.toFixed(1)} ms | ${ratio(run.diffMs, run.parseHashMs)} | ${run.ajvMs === undefined ? 'stack overflow' : `${run.ajvMs.toFixed(1)} ms`} | ${run.ajvMs === undefined ? 'n/a' : ratio(run.diffMs, run.ajvMs)} |`,
      );
    }
    rows.push('');
    rows.push(
      `Pairs of subschemas compared (memo misses, both directions): ${recursive.comparisons} for ${DEFINITIONS} definitions, ${adversarial.comparisons} for the adversarial ${ADVERSARIAL_DEFINITIONS} (every definition meets every other: quadratic in definitions, never exponential in paths). Findings: ${recursive.findings} and ${adversarial.findings}. ${ROUNDS} rounds, medians.`,
    );
    process.stdout.write(`${rows.join('\n')}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
