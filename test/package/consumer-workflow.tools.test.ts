/**
 * Issue 13, "done when": the packed package, `npm install`ed into an empty consumer project, runs
 * the whole workflow from its own bin. The project has a registry of its own under a name that
 * is not asyncapi.yaml and an `event-bus.config.json` naming it, the output folder and the
 * runtime import. First `event-bus generate` without the generator toolchain exits 2 saying what
 * to install; the test installs exactly that (version ranges from the packed package's own
 * peerDependencies), then `generate` and `check` exit 0, `tsc --noEmit` with skipLibCheck: false
 * accepts a file using the generated SDK, and running it in process loads no @grpc/grpc-js.
 *
 * Two real `npm install` runs (the tarball with @types/node, then the toolchain), preferring
 * npm's cache; the package's dependencies resolve from the registry like any consumer's.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '../..');
const TSC = path.join(root, 'node_modules', '.bin', 'tsc');
const NPM_FLAGS = ['--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'];

let work: string;
let consumer: string;
let tarball: string;

interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
}

async function exec(command: string, args: string[], options: { env?: NodeJS.ProcessEnv } = {}): Promise<Outcome> {
  try {
    const { stdout, stderr } = await run(command, args, {
      cwd: consumer,
      // A consumer process that never ends fails here with its output, not at the test's timeout.
      timeout: 120_000,
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, ...options.env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof failed.code === 'number' ? failed.code : 1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

/** `npx event-bus …`: the bin npm linked from the installed tarball. */
function eventBus(...args: string[]): Promise<Outcome> {
  return exec('npx', ['--no-install', 'event-bus', ...args]);
}

// A registry of the consumer's own: billing events, one type with two versions, one with one.
const REGISTRY = `asyncapi: 3.0.0
info:
  title: Billing events
  version: 1.0.0
channels:
  invoiceIssued:
    address: invoice.issued
    summary: An invoice was issued to a customer.
    x-aggregate-type: invoice
    x-ordering-key: aggregateId
    messages:
      invoiceIssuedV1:
        $ref: '#/components/messages/invoiceIssuedV1'
      invoiceIssuedV2:
        $ref: '#/components/messages/invoiceIssuedV2'
    bindings:
      googlepubsub:
        bindingVersion: '0.2.0'
        schemaSettings:
          encoding: JSON
          name: invoice.issued
  invoicePaid:
    address: invoice.paid
    summary: A customer paid an invoice.
    x-aggregate-type: invoice
    messages:
      invoicePaidV1:
        $ref: '#/components/messages/invoicePaidV1'
operations:
  publishInvoiceIssued:
    action: send
    channel:
      $ref: '#/channels/invoiceIssued'
components:
  messages:
    invoiceIssuedV1:
      x-event-type: invoice.issued
      x-event-version: 1
      payload:
        $ref: './schemas/invoice.issued/1.json'
    invoiceIssuedV2:
      x-event-type: invoice.issued
      x-event-version: 2
      payload:
        $ref: './schemas/invoice.issued/2.json'
    invoicePaidV1:
      x-event-type: invoice.paid
      x-event-version: 1
      payload:
        $ref: './schemas/invoice.paid/1.json'
`;

const schema = (type: string, version: number, properties: Record<string, unknown>, required: string[], example: Record<string, unknown>) => ({
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: `https://billing.example/schemas/${type}/${version}.json`,
  description: `${type}, version ${version}.`,
  type: 'object',
  additionalProperties: false,
  required,
  properties,
  examples: [example],
});

const INVOICE_ID = '3f2a7c1e-8b4d-4e6f-9a0b-1c2d3e4f5a6b';
const SCHEMAS: Record<string, unknown> = {
  'invoice.issued/1.json': schema(
    'invoice.issued',
    1,
    { invoiceId: { type: 'string', format: 'uuid' }, amountMinor: { type: 'integer', minimum: 0 } },
    ['invoiceId', 'amountMinor'],
    { invoiceId: INVOICE_ID, amountMinor: 4200 },
  ),
  'invoice.issued/2.json': schema(
    'invoice.issued',
    2,
    {
      invoiceId: { type: 'string', format: 'uuid' },
      amountMinor: { type: 'integer', minimum: 0 },
      currency: { type: 'string', enum: ['EUR', 'USD'] },
    },
    ['invoiceId', 'amountMinor'],
    { invoiceId: INVOICE_ID, amountMinor: 4200, currency: 'EUR' },
  ),
  'invoice.paid/1.json': schema(
    'invoice.paid',
    1,
    { invoiceId: { type: 'string', format: 'uuid' }, paidAt: { type: 'string', format: 'date-time' } },
    ['invoiceId', 'paidAt'],
    { invoiceId: INVOICE_ID, paidAt: '2026-12-01T09:00:00Z' },
  ),
};

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'event-bus-workflow-'));
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', work], {
    cwd: root,
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, npm_config_offline: 'true' },
  });
  const [packed] = JSON.parse(stdout.slice(stdout.indexOf('['))) as Array<{ filename: string }>;
  tarball = path.join(work, packed!.filename);
  consumer = path.join(work, 'consumer');
  await mkdir(path.join(consumer, 'contracts', 'schemas', 'invoice.issued'), { recursive: true });
  await mkdir(path.join(consumer, 'contracts', 'schemas', 'invoice.paid'), { recursive: true });
  await writeFile(path.join(consumer, 'package.json'), JSON.stringify({ name: 'billing-service', private: true, type: 'module' }, null, 2));
  await writeFile(path.join(consumer, 'contracts', 'billing-events.yaml'), REGISTRY);
  for (const [file, content] of Object.entries(SCHEMAS)) {
    await writeFile(path.join(consumer, 'contracts', 'schemas', file), `${JSON.stringify(content, null, 2)}\n`);
  }
  await writeFile(
    path.join(consumer, 'event-bus.config.json'),
    JSON.stringify({ registry: 'contracts/billing-events.yaml', out: 'src/events', runtimeImport: '@clone/event-bus/runtime' }, null, 2),
  );
  const installed = await exec('npm', ['install', ...NPM_FLAGS, tarball, '@types/node@^20']);
  expect(installed.stderr.replace(/^npm warn.*\n/gim, ''), 'npm install of the tarball').toBe('');
  expect(installed.code).toBe(0);
}, 900_000);

afterAll(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

describe('a consumer project installs the packed package and runs generate, check, tsc, and the SDK in process', () => {
  let toolchain: string[];

  it('without the generator toolchain, generate exits 2 naming what to install — peers of the packed package', async () => {
    const generate = await eventBus('generate');
    expect(generate.code).toBe(2);
    const line = /npm install -D ([^\n]+)/.exec(generate.stderr);
    expect(line, generate.stderr).not.toBeNull();
    toolchain = line![1]!.trim().split(/\s+/);
    const packedManifest = JSON.parse(
      readFileSync(path.join(consumer, 'node_modules', '@clone', 'event-bus', 'package.json'), 'utf8'),
    ) as { peerDependencies: Record<string, string>; peerDependenciesMeta: Record<string, { optional?: boolean }> };
    expect(toolchain.length).toBeGreaterThan(0);
    for (const name of toolchain) {
      expect(packedManifest.peerDependencies[name], `${name} is a peer of the packed package`).toBeDefined();
      expect(packedManifest.peerDependenciesMeta[name]?.optional).toBe(true);
    }
    const install = await exec('npm', ['install', '-D', ...NPM_FLAGS, ...toolchain.map((name) => `${name}@${packedManifest.peerDependencies[name]}`)]);
    expect(install.code, install.stderr).toBe(0);
  }, 600_000);

  it('generate then check, from the tarball\'s bin, both exit 0 with the config file\'s registry, output and runtime import', async () => {
    const generate = await eventBus('generate');
    expect(generate.stderr).toBe('');
    expect(generate.code).toBe(0);
    expect(generate.stdout).toMatch(/^wrote src\/events\/catalog\.ts$/m);
    expect(await readFile(path.join(consumer, 'src', 'events', 'catalog.ts'), 'utf8')).toContain("from '@clone/event-bus/runtime';");
    const check = await eventBus('check', '--format', 'json');
    expect(check.stderr).toMatch(/event-bus check: clean/);
    expect(check.code).toBe(0);
    expect((JSON.parse(check.stdout) as { findings: unknown[] }).findings).toEqual([]);
    // The check is real: an edited generated file is reported by name.
    const catalogFile = path.join(consumer, 'src', 'events', 'catalog.ts');
    const original = await readFile(catalogFile, 'utf8');
    await writeFile(catalogFile, `${original}\n// edited\n`);
    const stale = await eventBus('check', '--format', 'json');
    expect(stale.code).toBe(1);
    expect((JSON.parse(stale.stdout) as { findings: { rule: string; file: string }[] }).findings.map((finding) => finding.rule)).toEqual(['GENERATED_STALE']);
    await writeFile(catalogFile, original);
  }, 300_000);

  it('tsc --noEmit with skipLibCheck: false over code using the generated SDK; in process it loads no @grpc/grpc-js', async () => {
    await writeFile(
      path.join(consumer, 'src', 'app.ts'),
      `import { createRequire } from 'node:module';
import { createEvent, EventPublisher, EventSubscriber, type InvoiceIssuedEvent } from './events/index.js';
import { InProcessTransport } from '@clone/event-bus/runtime';

const transport = new InProcessTransport({ projectId: 'billing' });
const publisher = new EventPublisher({ transport });
const subscriber = new EventSubscriber({ transport });
let done!: (version: number) => void;
const handled = new Promise<number>((resolve) => (done = resolve));
// Subscribed (topic and subscription exist) before the publish: as on Pub/Sub, a message published
// before its subscription exists is delivered to no one.
await subscriber.subscribe({ eventType: 'invoice.issued', handler: async (event) => done(event.eventVersion) });
const invoiceId = '${INVOICE_ID}';
const event: InvoiceIssuedEvent = createEvent('invoice.issued', invoiceId, 'invoice', { invoiceId, amountMinor: 4200, currency: 'EUR' });
await publisher.publish(event);
const files = Object.keys(createRequire(import.meta.url).cache);
const loaded = (name: string) => files.some((file) => file.includes('/node_modules/' + name + '/'));
console.log(JSON.stringify({ version: await handled, grpc: loaded('@grpc/grpc-js'), pubsub: loaded('@google-cloud/pubsub') }));
await subscriber.close();
await publisher.close();
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
          rootDir: 'src',
        },
        include: ['src'],
      }),
    );
    const noEmit = await exec(TSC, ['--noEmit', '-p', 'tsconfig.json']);
    expect(noEmit.stdout + noEmit.stderr).toBe('');
    expect(noEmit.code).toBe(0);
    const build = await exec(TSC, ['-p', 'tsconfig.json']);
    expect(build.stdout + build.stderr).toBe('');
    const ran = await exec(process.execPath, [path.join(consumer, 'out', 'app.js')], {
      env: { PUBSUB_EMULATOR_HOST: '', GCP_PROJECT_ID: '', GOOGLE_CLOUD_PROJECT: '', GCLOUD_PROJECT: '', EVENT_BUS_TRANSPORT: '' },
    });
    expect(ran.stderr).toBe('');
    expect(JSON.parse(ran.stdout)).toEqual({ version: 2, grpc: false, pubsub: false });
  }, 300_000);

  it('a wrong payload against the generated types is a compile error (the type check can fail)', async () => {
    await writeFile(
      path.join(consumer, 'src', 'wrong.ts'),
      `import { createEvent } from './events/index.js';
createEvent('invoice.issued', 'x', 'invoice', { invoiceId: 'x', amountMinor: 1, currency: 'GBP' });
`,
    );
    const noEmit = await exec(TSC, ['--noEmit', '-p', 'tsconfig.json']);
    await rm(path.join(consumer, 'src', 'wrong.ts'));
    expect(noEmit.code).not.toBe(0);
    expect(noEmit.stdout).toMatch(/src\/wrong\.ts\(2,\d+\): error TS\d+/);
    expect(noEmit.stdout).toContain('GBP');
  }, 300_000);
});
