/**
 * Validation throughput of one payload schema (user.created, current version), same run:
 * - the generated validator (ajv standalone code compiled ahead of time, wrapped as PayloadValidator);
 * - ajv compiling the same schema files at run time (same options), called raw;
 * - a hand-written check of the same rules (types, enum, formats by regex, lengths, closed object).
 * Valid and invalid payloads; rounds alternate and medians are reported, ratios against the
 * generated validator. Also the one-off cost of compiling at run time. Markdown to stdout.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
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

const compileTimes: number[] = [];
let runtimeCompiled = compileAtRunTime();
for (let i = 0; i < 20; i += 1) {
  const start = cpuMs();
  runtimeCompiled = compileAtRunTime();
  compileTimes.push(cpuMs() - start);
}

// The three must agree before their speed means anything.
for (const [name, check] of [['generated', (d: unknown) => version.validate(d).valid], ['runtime ajv', runtimeCompiled], ['hand-written', handWritten]] as const) {
  if (check(valid) !== true || check(invalid) !== false) throw new Error(`${name} disagrees on the sample payloads`);
}

const candidates: Array<[string, (data: unknown) => unknown]> = [
  ['generated validator (AOT, PayloadValidator)', (data) => version.validate(data).valid],
  ['ajv compiled at run time (raw)', runtimeCompiled],
  ['hand-written check (boolean)', handWritten],
];
const results = new Map<string, { valid: number[]; invalid: number[] }>(candidates.map(([name]) => [name, { valid: [], invalid: [] }]));
for (let round = 0; round < ROUNDS; round += 1) {
  for (const [name, check] of round % 2 === 0 ? candidates : [...candidates].reverse()) {
    results.get(name)!.valid.push(opsPerSecond(check, valid));
    results.get(name)!.invalid.push(opsPerSecond(check, invalid));
  }
}

const baseline = results.get(candidates[0]![0])!;
const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');
const lines = [
  `Schema: \`${version.schemaFile}\`; ${ROUNDS} alternating rounds of ${ROUND_MS} ms of CPU time, medians, ops per CPU-second. Baseline: the generated validator.`,
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
