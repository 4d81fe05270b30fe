/**
 * Importing the package for in-process use loads no gRPC and no database driver: a fresh Node
 * process imports the root entry point, publishes and handles an event in process, and reports
 * which of @grpc/grpc-js, @google-cloud/pubsub, pg, better-sqlite3, avsc and re2js it loaded (after
 * the import and after the publish). The same process
 * then creates a Pub/Sub transport, which must load them (so the check itself can fail).
 */
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

const script = `
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const loaded = () => {
  const files = Object.keys(require.cache);
  const has = (name) => files.some((file) => file.includes('/node_modules/' + name + '/'));
  return { grpc: has('@grpc/grpc-js'), pubsub: has('@google-cloud/pubsub'), pg: has('pg'), sqlite: has('better-sqlite3'), avsc: has('avsc'), re2js: has('re2js') };
};
const sdk = await import(${JSON.stringify(`${root}/index.ts`)});
const publisher = new sdk.EventPublisher({ transport: 'in-process' });
const subscriber = new sdk.EventSubscriber({ transport: 'in-process' });
const imported = loaded();
let done;
const handled = new Promise((resolve) => (done = resolve));
// Subscribed before the publish: a message published before its subscription exists reaches no one.
await subscriber.subscribe({ eventType: 'user.created', handler: async (event) => done(event.eventId) });
const userId = '6f1c2b9e-3d4a-4c8e-9f21-7a5b0c3d2e10';
const event = sdk.createEvent('user.created', userId, 'user', { userId, email: 'ada@example.com', name: 'Ada', subscriptionTier: 'free' });
await publisher.publish(event);
const inProcess = { ...loaded(), handled: (await handled) === event.eventId };
await subscriber.close?.();
await publisher.close?.();
const runtime = await import(${JSON.stringify(`${root}/runtime/index.ts`)});
const transport = new runtime.PubSubTransport({ projectId: 'lazy-check', emulatorHost: '127.0.0.1:1' });
const pubsub = loaded();
await transport.close?.();
console.log(JSON.stringify({ imported, inProcess, pubsub }));
`;

it('an in-process import loads no @grpc/grpc-js and no database driver; Pub/Sub use loads gRPC', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: root,
    // A script that never ends fails here with its output, not at the test's timeout.
    timeout: 60_000,
    env: { ...process.env, PUBSUB_EMULATOR_HOST: '', GCP_PROJECT_ID: '', EVENT_BUS_TRANSPORT: '' },
  });
  const result = JSON.parse(stdout.trim().split('\n').pop()!) as {
    imported: Record<string, boolean>;
    inProcess: Record<string, boolean>;
    pubsub: Record<string, boolean>;
  };
  // Importing and constructing loads none of them; avsc loads with the first Avro schema compiled
  // (the publish: user.created's topic is Avro), re2js with the first pattern tested (decision 0135).
  expect(result.imported).toEqual({ grpc: false, pubsub: false, pg: false, sqlite: false, avsc: false, re2js: false });
  expect(result.inProcess).toEqual({ grpc: false, pubsub: false, pg: false, sqlite: false, avsc: true, re2js: false, handled: true });
  expect(result.pubsub).toMatchObject({ grpc: true, pubsub: true, pg: false, sqlite: false });
}, 120_000);
