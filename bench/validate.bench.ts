/**
 * Validation throughput of one payload schema (user.created, current version), same run:
 * - the generated validator (ajv standalone code compiled ahead of time, wrapped as PayloadValidator);
 * - ajv compiling the same schema files at run time (same options), called raw;
 * - a hand-written check of the same rules (types, enum, formats by regex, lengths, closed object).
 * Valid and invalid payloads. Every measurement runs in a fresh process of its own (this file, started
 * again with EVENT_BUS_BENCH_VALIDATOR set): in one process the three validators' speeds depended on
 * what the JIT had learned from the others (they share ajv's runtime helpers and format functions) and
 * single runs swung between 0.66× and 1.67×. Rounds alternate the order, medians are reported, ratios
 * against the generated validator. Also the one-off cost of compiling at run time. Markdown to stdout.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AnySchemaObject } from 'ajv';
import { catalog } from '../generated/index.js';
import { createAjv } from '../generator/validators.js';
import { REPO_ROOT } from './support/repo-root.js';
import { sized } from './support/quick.js';

const ROOT = REPO_ROOT;
const ROUNDS = sized(7, 1);
const ROUND_MS = sized(400, 50);

const entry = catalog.events['user.created']!;
const version = entry.versions[entry.currentVersion]!;
const readSchema = (file: string): AnySchemaObject => JSON.parse(readFileSync(path.join(ROOT, file), 'utf8')) as AnySchemaObject;
const schema = readSchema(version.schemaFile) as AnySchemaObject & { examples: Array<Record<string, unknown>> };
const valid = schema.examples[schema.examples.length - 1]!;
const invalid = { ...valid, email: 'not-an-email', subscriptionTier: 'platinum', extra: true };

function compileAtRunTime(): (data: unknown) => boolean {
  const ajv = createAjv();
  ajv.addSchema(readSchema('schemas/common/ids.json'));
  ajv.addSchema(readSchema('schemas/common/locale.json'));
  return ajv.compile(schema);
}

const UUID = /^(?:urn:uuid:)?[0-9a-f]{8}-(?:[0-9a-f]{4}-){3}[0-9a-f]{12}$/i;
const EMAIL = /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/i;
const LOCALE = /^[a-z]{2}(-[A-Z]{2})?$/;
const REFERRAL = /^[A-Z0-9]{6,12}$/;
const TIERS = new Set(['free', 'pro', 'enterprise']);
const KNOWN = new Set(Object.keys(schema.properties as object));

/** What a careful person would write by hand for the same schema (boolean, no error details). */
function handWritten(data: unknown): boolean {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return false;
  const p = data as Record<string, unknown>;
  for (const key of Object.keys(p)) if (!KNOWN.has(key)) return false;
  if (typeof p.userId !== 'string' || p.userId.length > 36 || !UUID.test(p.userId)) return false;
  if (typeof p.email !== 'string' || p.email.length > 254 || !EMAIL.test(p.email)) return false;
  if (typeof p.name !== 'string' || p.name.length < 1 || p.name.length > 200) return false;
  if (typeof p.subscriptionTier !== 'string' || !TIERS.has(p.subscriptionTier)) return false;
  if (p.marketingOptIn !== undefined && typeof p.marketingOptIn !== 'boolean') return false;
  if (p.locale !== undefined && (typeof p.locale !== 'string' || !LOCALE.test(p.locale))) return false;
  if (p.referralCode !== undefined && p.referralCode !== null && (typeof p.referralCode !== 'string' || !REFERRAL.test(p.referralCode))) return false;
  return true;
}

let sink = 0;
/** CPU time of this process in ms: steadier than wall time when other processes share the cores. */
const cpuMs = (): number => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/** Operations per CPU-second, over about ROUND_MS of CPU time. */
function opsPerSecond(check: (data: unknown) => unknown, data: unknown): number {
  let ops = 0;
  const start = cpuMs();
  let elapsed = 0;
  while (elapsed < ROUND_MS) {
    for (let i = 0; i < 1000; i += 1) if (check(data)) sink += 1;
    ops += 1000;
    elapsed = cpuMs() - start;
  }
  return (ops / elapsed) * 1000;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/** Set in the child processes that each measure one candidate on one payload. */
const measuring = process.env.EVENT_BUS_BENCH_VALIDATOR;
const compileTimes: number[] = [];
let runtimeCompiled = compileAtRunTime();
for (let i = 0; i < (measuring === undefined ? 20 : 0); i += 1) {
  const start = cpuMs();
  runtimeCompiled = compileAtRunTime();
  compileTimes.push(cpuMs() - start);
}

// The three must agree before their speed means anything (checked once, in the parent only, so that no
// child's JIT has seen another candidate).
if (measuring === undefined) {
  for (const [name, check] of [['generated', (d: unknown) => version.validate(d).valid], ['runtime ajv', runtimeCompiled], ['hand-written', handWritten]] as const) {
    if (check(valid) !== true || check(invalid) !== false) throw new Error(`${name} disagrees on the sample payloads`);
  }
}

const candidates: Array<[string, (data: unknown) => unknown]> = [
  ['generated validator (AOT, PayloadValidator)', (data) => version.validate(data).valid],
  ['ajv compiled at run time (raw)', runtimeCompiled],
  ['hand-written check (boolean)', handWritten],
];
const payloads = { valid, invalid } as const;
type PayloadKind = keyof typeof payloads;

/** In a child process: one candidate on one payload, one discarded warm-up round, then one measured. */
if (measuring !== undefined) {
  const [index, kind] = measuring.split(':') as [string, PayloadKind];
  const check = candidates[Number(index)]![1];
  opsPerSecond(check, payloads[kind]);
  process.stdout.write(`${JSON.stringify(opsPerSecond(check, payloads[kind]))}\n`);
  process.exit(0);
}

/** One fresh process measuring candidate `index` on `kind`. */
function measureInFreshProcess(index: number, kind: PayloadKind): number {
  const run = spawnSync(process.execPath, [fileURLToPath(import.meta.url)], {
    encoding: 'utf8',
    env: { ...process.env, EVENT_BUS_BENCH_VALIDATOR: `${index}:${kind}` },
  });
  if (run.status !== 0) throw new Error(`validator bench child ${index}:${kind} failed (${run.status}): ${run.stderr}`);
  return Number(run.stdout.trim());
}

const results = new Map<string, { valid: number[]; invalid: number[] }>(candidates.map(([name]) => [name, { valid: [], invalid: [] }]));
const order = candidates.map((_, index) => index);
for (let round = 0; round < ROUNDS; round += 1) {
  for (const index of round % 2 === 0 ? order : [...order].reverse()) {
    const name = candidates[index]![0];
    for (const kind of ['valid', 'invalid'] as const) results.get(name)![kind].push(measureInFreshProcess(index, kind));
  }
}

const baseline = results.get(candidates[0]![0])!;
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const lines = [
  `Schema: \`${version.schemaFile}\`; ${ROUNDS} alternating rounds, each candidate and payload in a fresh process (one discarded warm-up round of ${ROUND_MS} ms of CPU time, then one measured), medians, ops per CPU-second. Baseline: the generated validator.`,
  '',
  '| validator | valid payload (ops/s) | ratio | invalid payload (3 errors, ops/s) | ratio |',
  '| --- | ---: | ---: | ---: | ---: |',
  ...candidates.map(([name]) => {
    const r = results.get(name)!;
    return `| ${name} | ${fmt(median(r.valid))} | ${(median(r.valid) / median(baseline.valid)).toFixed(2)}× | ${fmt(median(r.invalid))} | ${(median(r.invalid) / median(baseline.invalid)).toFixed(2)}× |`;
  }),
  '',
  `Compiling the schema at run time (new Ajv, formats, 3 schema files): median ${median(compileTimes).toFixed(1)} ms of CPU per schema, paid at start-up for every event version; the generated validators compile nothing at run time.`,
];
process.stdout.write(`${lines.join('\n')}\n`);
if (sink < 0) process.stdout.write('');
