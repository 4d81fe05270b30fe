/**
 * The AsyncAPI 3.0 specification's own example documents (../shared/corpus/asyncapi-examples/,
 * written by nobody here) generate as written, the SDKs compile under `tsc --strict`, every
 * message example passes its generated validator, and no doc comment says `undefined`.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildModel, renderRegistry } from '../../generator/index.js';
import { loadRegistry, RegistryError, type RegistryDiagnostic } from '../../registry/index.js';
import type { PayloadValidator } from '../../runtime/index.js';
import { CORPUS_DIR, corpusAvailable, freshOutDir, runtimeImportFrom, typecheck, writeFiles, type TscError } from './support.js';

const available = corpusAvailable('asyncapi-examples');
const EXAMPLES = path.join(CORPUS_DIR, 'asyncapi-examples');

/** Every AsyncAPI document of the folder: top-level *.yml and social-media/<service>/asyncapi.yaml. */
function documents(): string[] {
  if (!available) return [];
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const file = path.join(dir, name);
      if (statSync(file).isDirectory()) walk(file);
      else if (/\.ya?ml$/.test(name) && /^asyncapi: ?['"]?3\./m.test(readFileSync(file, 'utf8'))) found.push(file);
    }
  };
  walk(EXAMPLES);
  return found;
}

interface Outcome {
  name: string;
  sdk?: string;
  errors?: readonly RegistryDiagnostic[];
  failure?: string;
  examples: Array<{ validator: string; eventType: string; version: number; payload: unknown }>;
}

const KNOWN_INVALID_EXAMPLES = [
  'kraken-websocket-request-reply-message-filter-in-reply-asyncapi: subscriptionStatus {"channelID":10001,"channelName":"ohlc-5',
  'kraken-websocket-request-reply-message-filter-in-reply-asyncapi: subscriptionStatus {"errorMessage":"Subscription depth not ',
  'kraken-websocket-request-reply-multiple-channels-asyncapi: subscriptionStatus {"channelID":10001,"channelName":"ohlc-5',
  'kraken-websocket-request-reply-multiple-channels-asyncapi: subscriptionStatus {"errorMessage":"Subscription depth not ',
];

const outcomes: Outcome[] = [];
let tscErrors: TscError[] = [];

describe.skipIf(!available)('AsyncAPI 3 specification examples', () => {
  beforeAll(async () => {
    const out = await freshOutDir('asyncapi-examples');
    for (const file of documents()) {
      const name = path.relative(EXAMPLES, file).replace(/[\\/]/g, '__').replace(/\.ya?ml$/, '');
      const outcome: Outcome = { name, examples: [] };
      outcomes.push(outcome);
      try {
        const registry = await loadRegistry({ file });
        const sdk = path.join(out, name);
        await writeFiles(sdk, await renderRegistry({ registry, runtimeImport: runtimeImportFrom(sdk), bindRuntimeClasses: false }));
        outcome.sdk = sdk;
        // The payload schema's own `examples` and the payloads of the message's `examples`.
        for (const event of buildModel(registry).events) {
          for (const version of event.versions) {
            for (const payload of version.examples) outcome.examples.push({ validator: version.names.validator, eventType: event.eventType, version: version.version, payload });
          }
        }
      } catch (error) {
        if (error instanceof RegistryError) outcome.errors = error.diagnostics;
        else outcome.failure = (error as Error).stack ?? String(error);
      }
    }
    tscErrors = await typecheck(out);
  }, 600_000);

  it('finds the 24 documents of the specification', () => {
    expect(outcomes).toHaveLength(24);
  });

  it('generates at least 23 of 24 as written; a failure is a clear remote-reference error', () => {
    const generated = outcomes.filter((outcome) => outcome.sdk);
    console.log(`asyncapi-examples: ${generated.length}/${outcomes.length} documents generate`);
    expect(outcomes.filter((outcome) => outcome.failure).map((o) => `${o.name}: ${o.failure}`)).toEqual([]);
    expect(generated.length).toBeGreaterThanOrEqual(23);
    for (const outcome of outcomes.filter((o) => o.errors)) {
      expect(outcome.errors!.map((d) => d.code), outcome.name).toEqual(outcome.errors!.map(() => 'remote-ref'));
      for (const diagnostic of outcome.errors!) {
        expect(diagnostic).toMatchObject({ line: expect.any(Number), pointer: expect.stringMatching(/\/\$ref$/), hint: expect.any(String) });
        expect(diagnostic.message).toMatch(/remote reference/);
      }
    }
  });

  it('every generated SDK compiles under tsc --strict (one tsc run over all of them)', () => {
    expect(tscErrors.map((error) => `${path.relative(CORPUS_DIR, error.file)}:${error.line}: ${error.message}`)).toEqual([]);
  });

  it('every message example passes its generated validator, except the spec\'s examples that contradict their schema', async () => {
    let checked = 0;
    const failing: string[] = [];
    for (const outcome of outcomes.filter((o) => o.sdk)) {
      if (outcome.examples.length === 0) continue;
      const validators = (await import(pathToFileURL(path.join(outcome.sdk!, 'validators.ts')).href)) as Record<string, PayloadValidator>;
      for (const example of outcome.examples) {
        const result = validators[example.validator]!(example.payload);
        if (!result.valid) failing.push(`${outcome.name}: ${example.eventType} ${JSON.stringify(example.payload).slice(0, 40)}`);
        checked += 1;
      }
    }
    console.log(`asyncapi-examples: ${checked - failing.length}/${checked} message examples pass their validator`);
    // Both Kraken documents carry two subscriptionStatus examples whose `pair` is a string (the
    // schema says an array of strings) and whose `status` ('unsubscribed', 'error') is not in the
    // schema's enum: the validator is right to refuse them.
    expect(failing).toEqual(KNOWN_INVALID_EXAMPLES);
    expect(checked).toBeGreaterThanOrEqual(6);
  });

  it('never writes "undefined" into a doc comment', async () => {
    for (const outcome of outcomes.filter((o) => o.sdk)) {
      for (const file of ['types.ts', 'bus.ts', 'catalog.ts', 'validators.ts']) {
        const text = await readFile(path.join(outcome.sdk!, file), 'utf8');
        const commentLines = text.split('\n').filter((line) => /^\s*(\/\*\*|\*)/.test(line));
        expect(commentLines.filter((line) => /\bundefined\b/.test(line)), `${outcome.name}/${file}`).toEqual([]);
      }
    }
  });
});
