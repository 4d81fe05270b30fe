import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { InProcessTransport, type EventCatalog } from '../../runtime/index.js';
import { loadRegistryCatalog } from '../support/registry-catalog.js';
import { otelHarness, type OtelHarness } from './support/otel.js';
import { publishHandlePublishHandle } from './support/trace-scenario.js';

let catalog: EventCatalog;
let harness: OtelHarness;
beforeAll(async () => {
  catalog = await loadRegistryCatalog();
});
afterEach(async () => {
  await harness?.shutdown();
});

describe('tracing in process', () => {
  it('one trace spans publish -> handler -> a publish inside the handler -> its handler', async () => {
    harness = otelHarness();
    const transport = new InProcessTransport({ projectId: 'otel' });
    await publishHandlePublishHandle(catalog, transport, harness);
    await transport.close();
    expect(harness.spans().length).toBeGreaterThanOrEqual(5);
  });
});
