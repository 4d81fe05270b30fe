/**
 * "Nothing reaches the network but the servers the user configured", checked on real processes:
 * each CLI run below is preloaded with support/egress-log.cjs, which records every outbound
 * socket and DNS lookup. The registry verbs make none (a remote $ref included); the Pub/Sub verbs
 * and the whole demo on the emulator talk to the emulator and nothing else — in particular not to
 * the GCE metadata server that Google's auth library probes when it is not told otherwise.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asyncapiYaml, payloadSchema, writeRegistry } from './support.js';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const preload = path.join(repo, 'test', 'security', 'support', 'egress-log.cjs');
const cli = path.join(repo, 'cli', 'bin.ts');
// By file URL, so the CLI also runs from a working directory outside the repository (the demo's).
const tsx = pathToFileURL(path.join(repo, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

interface Egress {
  kind: 'connect' | 'lookup';
  host: string;
  port?: number;
}

let work: string;
beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'egress-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** Runs the CLI in `cwd` with the egress log; returns its exit code, output and what it reached. */
async function runLogged(
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<{ code: number | null; output: string; egress: Egress[] }> {
  const log = path.join(work, `egress-${Date.now()}-${Math.random().toString(36).slice(2)}.jsonl`);
  await writeFile(log, '');
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env, EGRESS_LOG: log };
  env.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ''} --require ${preload}`.trim();
  const child = spawn(process.execPath, ['--import', tsx, cli, ...args], {
    cwd: options.cwd ?? repo,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (exitCode) => resolve(exitCode));
  });
  const egress = (await readFile(log, 'utf8'))
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Egress);
  return { code, output, egress };
}

/** What the emulator's address allows: its host (looked up or connected) and its port. */
function beyondEmulator(egress: Egress[], emulator: string): Egress[] {
  const [host, port] = [emulator.slice(0, emulator.lastIndexOf(':')), Number(emulator.slice(emulator.lastIndexOf(':') + 1))];
  const local = new Set([host, host === 'localhost' ? '127.0.0.1' : host, host === '127.0.0.1' ? 'localhost' : host]);
  return egress.filter((entry) => !(local.has(entry.host) && (entry.kind === 'lookup' || entry.port === port)));
}

describe('network egress', () => {
  it('generate and check reach nothing, not even for a registry that names a remote $ref', async () => {
    const out = path.join(work, 'generated');
    const generate = await runLogged(['generate', '--out', out], { env: { PUBSUB_EMULATOR_HOST: '' } });
    expect(generate.code, generate.output).toBe(0);
    expect(generate.egress).toEqual([]);
    const check = await runLogged(['check'], { env: { PUBSUB_EMULATOR_HOST: '' } });
    expect(check.code, check.output).toBe(0);
    expect(check.egress).toEqual([]);

    const hostile = await writeRegistry({
      'asyncapi.yaml': asyncapiYaml({ payloadRef: 'https://registry.attacker.test/thing/1.json' }),
      'schemas/thing/1.json': payloadSchema('schemas/thing/1.json', { type: 'object' }),
    });
    const refused = await runLogged(['generate', '--input', hostile.input, '--out', hostile.out]);
    expect(refused.code, refused.output).toBe(2);
    expect(refused.output).toContain('registry.attacker.test');
    expect(refused.egress).toEqual([]);
  });

  it('infra, schemas and the whole demo on the emulator talk to the emulator only', async () => {
    const emulator = process.env.PUBSUB_EMULATOR_HOST!;
    const project = `egress-${Date.now()}`;
    const env = { PUBSUB_EMULATOR_HOST: emulator, GCP_PROJECT_ID: project };
    const demoDir = await mkdtemp(path.join(work, 'demo-'));
    for (const args of [['infra', 'apply', '--project', project], ['schemas', 'apply', '--project', project], ['demo']]) {
      const run = await runLogged(args, { env, cwd: args[0] === 'demo' ? demoDir : repo });
      expect(run.code, `${args.join(' ')}: ${run.output}`).toBe(0);
      expect(run.egress.some((entry) => entry.kind === 'connect'), `${args.join(' ')} reached the emulator`).toBe(true);
      expect(beyondEmulator(run.egress, emulator), args.join(' ')).toEqual([]);
      expect(run.output).not.toContain('MetadataLookupWarning');
    }
  });
});
