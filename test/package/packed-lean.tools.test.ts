/**
 * The lean package (decision 0006), as a consumer gets it: `npm pack`, installed into an empty
 * project with only the package's own `dependencies` (no database driver, no generator
 * toolchain, no @types for the drivers). There it type-checks with skipLibCheck: false, runs in
 * process without loading gRPC or a driver, and a verb that needs a missing optional peer says
 * what to install (exit 2). Offline: packages are symlinked from this repository's node_modules.
 */
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const manifest = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  peerDependencies: Record<string, string>;
};
const OPTIONAL_PEERS = Object.keys(manifest.peerDependencies);

let work: string;
let consumer: string;

/** The package's dependency closure, as installed (flat) in our node_modules. */
function dependencyClosure(): Set<string> {
  const closure = new Set<string>();
  const pending = [...Object.keys(manifest.dependencies), '@types/node'];
  while (pending.length > 0) {
    const name = pending.pop()!;
    if (closure.has(name) || !existsSync(path.join(root, 'node_modules', name, 'package.json'))) continue;
    closure.add(name);
    const pkg = JSON.parse(readFileSync(path.join(root, 'node_modules', name, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
      optionalDependencies?: Record<string, string>;
    };
    pending.push(...Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies }));
  }
  return closure;
}

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'event-bus-lean-'));
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', work], {
    cwd: root,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, npm_config_offline: 'true' },
  });
  const [packed] = JSON.parse(stdout.slice(stdout.indexOf('['))) as Array<{ filename: string }>;
  consumer = path.join(work, 'consumer');
  const modules = path.join(consumer, 'node_modules');
  await mkdir(path.join(modules, '@clone'), { recursive: true });
  await run('tar', ['-xzf', path.join(work, packed!.filename), '-C', path.join(modules, '@clone')]);
  await rename(path.join(modules, '@clone', 'package'), path.join(modules, '@clone', 'event-bus'));
  // A real install brings every dependency's own dependencies, optional peers of ours included when
  // a dependency needs them (@opentelemetry/api, through @google-cloud/pubsub).
  for (const name of dependencyClosure()) {
    if (name.includes('/')) await mkdir(path.join(modules, name.split('/')[0]!), { recursive: true });
    await symlink(path.join(root, 'node_modules', name), path.join(modules, name));
  }
  await writeFile(path.join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
}, 600_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('the packed package without optional peers', () => {
  it('installs none of the drivers or the generator toolchain', () => {
    const notInstalled = OPTIONAL_PEERS.filter((peer) => !dependencyClosure().has(peer));
    expect(notInstalled).toEqual(expect.arrayContaining(['pg', 'better-sqlite3', '@asyncapi/parser', 'handlebars']));
    // Generation runs no formatter (decision 0130): prettier is not even an optional peer.
    expect(OPTIONAL_PEERS).not.toContain('prettier');
    for (const peer of notInstalled) expect(existsSync(path.join(consumer, 'node_modules', peer))).toBe(false);
  });

  it('type-checks with skipLibCheck: false, and runs in process without loading gRPC or a driver', async () => {
    await writeFile(
      path.join(consumer, 'app.ts'),
      `import { createRequire } from 'node:module';
import { createEvent, EventPublisher, EventSubscriber, type AnyVersionEventMap, type UserCreatedEvent } from '@clone/event-bus';
import { InProcessTransport, isEventBusError, type EventStoreOptions } from '@clone/event-bus/runtime';

const options: EventStoreOptions = { sqlite: ':memory:' };
const transport = new InProcessTransport({ projectId: 'consumer' });
const publisher = new EventPublisher({ transport });
const subscriber = new EventSubscriber({ transport });
let done!: (eventId: string) => void;
const handled = new Promise<string>((resolve) => (done = resolve));
// Subscribed before the publish: a message published before its subscription exists reaches no one.
await subscriber.subscribe({ eventType: 'user.created', handler: async (event: AnyVersionEventMap['user.created']) => done(event.eventId) });
const userId = '6f1c2b9e-3d4a-4c8e-9f21-7a5b0c3d2e10';
const event = createEvent<UserCreatedEvent>('user.created', userId, 'user', { userId, email: 'ada@example.com', name: 'Ada', subscriptionTier: 'free' });
await publisher.publish(event);
const files = Object.keys(createRequire(import.meta.url).cache);
const loaded = (name: string) => files.some((file) => file.includes('/node_modules/' + name + '/'));
console.log(JSON.stringify({
  handled: (await handled) === event.eventId,
  grpc: loaded('@grpc/grpc-js'),
  pubsub: loaded('@google-cloud/pubsub'),
  drivers: loaded('pg') || loaded('better-sqlite3'),
  guard: isEventBusError(new Error('x')),
  options: Object.keys(options),
}));
process.exit(0);
`,
    );
    await writeFile(
      path.join(consumer, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          types: ['node'],
          skipLibCheck: false,
          outDir: 'out',
        },
        files: ['app.ts'],
      }),
    );
    const tsc = await run(path.join(root, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.json'], { cwd: consumer }).catch(
      (error: { stdout?: string; stderr?: string; code?: number }) => ({ stdout: `${error.stdout ?? ''}${error.stderr ?? ''}`, code: error.code }),
    );
    expect(tsc.stdout).toBe('');
    const { stdout } = await run(process.execPath, [path.join(consumer, 'out', 'app.js')], {
      timeout: 60_000,
      cwd: consumer,
      env: { ...process.env, PUBSUB_EMULATOR_HOST: '', GCP_PROJECT_ID: '', EVENT_BUS_TRANSPORT: '' },
    });
    expect(JSON.parse(stdout)).toEqual({ handled: true, grpc: false, pubsub: false, drivers: false, guard: false, options: ['sqlite'] });
  }, 300_000);

  it('the entry points are the bundle (decision 0135): one class across entry points, migrations found', async () => {
    // The store needs its optional peer here: linked for this test only, removed after.
    const driver = path.join(consumer, 'node_modules', 'better-sqlite3');
    await symlink(path.join(root, 'node_modules', 'better-sqlite3'), driver);
    try {
      await writeFile(
        path.join(consumer, 'bundle-check.mjs'),
        `import { fileURLToPath } from 'node:url';
import * as sdk from '@clone/event-bus';
import * as runtime from '@clone/event-bus/runtime';
import * as store from '@clone/event-bus/store';
import * as dlq from '@clone/event-bus/dlq';
const packageDir = fileURLToPath(new URL('./node_modules/@clone/event-bus/', import.meta.url));
const entries = ['@clone/event-bus', '@clone/event-bus/runtime', '@clone/event-bus/store', '@clone/event-bus/dlq', '@clone/event-bus/testing']
  .map((name) => fileURLToPath(import.meta.resolve(name)).slice(packageDir.length));
const userId = '6f1c2b9e-3d4a-4c8e-9f21-7a5b0c3d2e10';
const eventStore = new sdk.EventStore({ sqlite: ':memory:' });
const appended = await eventStore.appendEvent(sdk.createEvent('user.created', userId, 'user', { userId, email: 'ada@example.com', name: 'Ada', subscriptionTier: 'free' }));
let conflict;
try {
  await eventStore.appendEvent(sdk.createEvent('user.created', userId, 'user', { userId, email: 'ada@example.com', name: 'Ada', subscriptionTier: 'free' }), { expectedVersion: sdk.NO_STREAM });
} catch (error) {
  conflict = { root: error instanceof sdk.ExpectedVersionConflictError, store: error instanceof store.ExpectedVersionConflictError, base: error instanceof runtime.EventBusError };
}
await eventStore.close();
const parked = await dlq.openParkedMessageRepository({ sqlite: ':memory:' });
await parked.close();
console.log(JSON.stringify({
  entries,
  sameClasses: runtime.EventStore === store.EventStore && runtime.DeadLetterQueueHandler === dlq.DeadLetterQueueHandler && sdk.EventBusError === runtime.EventBusError,
  appended,
  conflict,
  parked: true,
}));
process.exit(0);
`,
      );
      const { stdout } = await run(process.execPath, [path.join(consumer, 'bundle-check.mjs')], { cwd: consumer });
      expect(JSON.parse(stdout)).toEqual({
        entries: ['dist/esm/index.js', 'dist/esm/runtime.js', 'dist/esm/store.js', 'dist/esm/dlq.js', 'dist/esm/testing.js'],
        sameClasses: true,
        appended: { nextExpectedVersion: 1, lastGlobalPosition: 1 },
        conflict: { root: true, store: true, base: true },
        parked: true,
      });
    } finally {
      await rm(driver, { force: true });
    }
  }, 120_000);

  it('the CLI runs; a verb needing a missing optional peer exits 2 naming what to install', async () => {
    const bin = path.join(consumer, 'node_modules', '@clone', 'event-bus', 'dist', 'cli', 'bin.js');
    const version = await run(process.execPath, [bin, '--version'], { cwd: consumer });
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const generate = await run(process.execPath, [bin, 'generate'], { cwd: consumer }).catch(
      (error: { code?: number; stderr?: string }) => ({ code: error.code, stderr: error.stderr ?? '' }),
    );
    expect(generate).toMatchObject({ code: 2 });
    expect((generate as { stderr: string }).stderr).toContain('npm install -D @asyncapi/parser handlebars');
  }, 120_000);
});
