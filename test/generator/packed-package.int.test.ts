/**
 * A consumer project installs the packed package (`npm pack`, which builds dist/ in `prepack`)
 * and imports the types, createEvent and validators from '@clone/event-bus': valid code
 * compiles and runs, a wrong payload is a real compile error. Offline: the package's own
 * dependencies are symlinked from this repository's node_modules.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rename, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './support.js';

const execFileAsync = promisify(execFile);
const TSC = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsc');

let consumer: string;

async function tsc(project: string): Promise<{ exitCode: number; output: string }> {
  try {
    const { stdout } = await execFileAsync(TSC, ['-p', project], { cwd: consumer });
    return { exitCode: 0, output: stdout };
  } catch (error) {
    const failure = error as { code?: number; stdout?: string; stderr?: string };
    return { exitCode: failure.code ?? 1, output: `${failure.stdout ?? ''}${failure.stderr ?? ''}` };
  }
}

async function writeProject(name: string, source: string): Promise<string> {
  await writeFile(path.join(consumer, `${name}.ts`), source);
  const tsconfig = path.join(consumer, `tsconfig.${name}.json`);
  await writeFile(
    tsconfig,
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        types: ['node'],
        skipLibCheck: true,
        outDir: `out-${name}`,
      },
      files: [`${name}.ts`],
    }),
  );
  return tsconfig;
}

beforeAll(async () => {
  const work = await mkdtemp(path.join(os.tmpdir(), 'event-bus-pack-'));
  const { stdout } = await execFileAsync('npm', ['pack', '--json', '--pack-destination', work], {
    cwd: REPO_ROOT,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, npm_config_offline: 'true' },
  });
  const [packed] = JSON.parse(stdout.slice(stdout.indexOf('['))) as Array<{ filename: string }>;
  consumer = path.join(work, 'consumer');
  const modules = path.join(consumer, 'node_modules');
  await mkdir(path.join(modules, '@clone'), { recursive: true });
  await execFileAsync('tar', ['-xzf', path.join(work, packed!.filename), '-C', path.join(modules, '@clone')]);
  await rename(path.join(modules, '@clone', 'package'), path.join(modules, '@clone', 'event-bus'));
  // Everything else (the package's dependencies and @types/node) from our node_modules.
  for (const entry of await readdir(path.join(REPO_ROOT, 'node_modules'))) {
    if (entry === '@clone' || entry === '.bin' || entry.startsWith('.')) continue;
    await symlink(path.join(REPO_ROOT, 'node_modules', entry), path.join(modules, entry));
  }
  await writeFile(path.join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
}, 300_000);

describe('packed package in a consumer project', () => {
  it('valid code compiles and runs: types, createEvent, validators, catalog', async () => {
    const project = await writeProject(
      'valid',
      `import { createEvent, validateUserCreatedV1, catalog, type UserCreatedEvent, type UserCreatedPayload } from '@clone/event-bus';
const userId = '6f1c2b9e-3d4a-4c8e-9f21-7a5b0c3d2e10';
const payload: UserCreatedPayload = { userId, email: 'ada@example.com', name: 'Ada', subscriptionTier: 'free' };
const event: UserCreatedEvent = createEvent<UserCreatedEvent>('user.created', userId, 'user', payload);
const inferred = createEvent('user.created', userId, 'user', payload);
const bad = validateUserCreatedV1({ userId, email: 'nope' });
console.log(JSON.stringify({
  type: event.eventType,
  version: inferred.eventVersion,
  valid: validateUserCreatedV1({ userId, email: 'a@b.co', name: 'A', subscriptionTier: 'pro' }).valid,
  badPaths: bad.valid ? [] : bad.issues.map((issue) => issue.instancePath + ':' + issue.keyword),
  events: Object.keys(catalog.events).length,
}));
`,
    );
    const compiled = await tsc(project);
    expect(compiled.output).toBe('');
    expect(compiled.exitCode).toBe(0);
    const { stdout } = await execFileAsync(process.execPath, [path.join(consumer, 'out-valid', 'valid.js')], { cwd: consumer });
    const result = JSON.parse(stdout) as { type: string; version: number; valid: boolean; badPaths: string[]; events: number };
    expect(result).toMatchObject({ type: 'user.created', valid: true, events: 10 });
    expect(result.version).toBeGreaterThanOrEqual(1);
    expect(result.badPaths).toEqual(expect.arrayContaining([':required', '/email:format']));
  }, 300_000);

  it('a wrong payload is a real compile error in the consumer', async () => {
    const project = await writeProject(
      'invalid',
      `import { createEvent } from '@clone/event-bus';
const userId = '6f1c2b9e-3d4a-4c8e-9f21-7a5b0c3d2e10';
createEvent('user.created', userId, 'user', { userId, email: 'ada@example.com', name: 'Ada', subscriptionTier: 'platinum' });
`,
    );
    const compiled = await tsc(project);
    expect(compiled.exitCode).not.toBe(0);
    expect(compiled.output).toMatch(/invalid\.ts\(3,\d+\): error TS\d+:[^\n]*/);
    expect(compiled.output).toContain('platinum');
  }, 300_000);

  it('a handler test written with @clone/event-bus/testing runs under node:test', async () => {
    const project = await writeProject(
      'handler.test',
      `import { test } from 'node:test';
import assert from 'node:assert/strict';
import { catalog, type EventMap, type VersionedEventMap } from '@clone/event-bus';
import { createTestBus, EventSamples } from '@clone/event-bus/testing';

const samples = new EventSamples<EventMap, VersionedEventMap>({ catalog, registryRoot: 'node_modules/@clone/event-bus' });

test('the welcome mail goes out once per user, even when Pub/Sub redelivers', async () => {
  const bus = createTestBus<EventMap, VersionedEventMap>({ catalog });
  const welcomed = new Set<string>();
  await bus.subscriber.subscribe({ eventType: 'user.created', handler: (event) => void welcomed.add(event.payload.userId) });
  const event = samples.event('user.created', { seed: 1 });
  await bus.publisher.publish(event);
  await bus.redeliver(event.eventId);
  await bus.settle();
  assert.deepEqual([...welcomed], [event.payload.userId]);
  bus.expectPublished('user.created', { payload: { userId: event.payload.userId } });
  await bus.close();
});
`,
    );
    const compiled = await tsc(project);
    expect(compiled.output).toBe('');
    expect(compiled.exitCode).toBe(0);
    const { stdout } = await execFileAsync(process.execPath, ['--test', path.join(consumer, 'out-handler.test', 'handler.test.js')], {
      cwd: consumer,
    });
    expect(stdout).toMatch(/# pass 1\b/);
    expect(stdout).toMatch(/# fail 0\b/);
  }, 300_000);
});
