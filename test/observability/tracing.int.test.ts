/** The same trace as tracing.unit.test.ts, across Google's Pub/Sub emulator. */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { PubSubTransport } from '../../runtime/index.js';
import { catalog } from '../../generated/index.js';
import { otelHarness, type OtelHarness } from './support/otel.js';
import { publishHandlePublishHandle } from './support/trace-scenario.js';

let transport: PubSubTransport;
let harness: OtelHarness;
beforeAll(() => {
  transport = new PubSubTransport({ projectId: process.env.GCP_PROJECT_ID! });
  harness = otelHarness();
});
afterAll(async () => {
  await transport.close();
  await harness.shutdown();
});

describe('tracing across the emulator', () => {
  it('one trace spans publish -> emulator -> handler -> a publish inside the handler -> its handler', async () => {
    await publishHandlePublishHandle(catalog, transport, harness);
  });
});
