import { PubSubTransport } from '../../runtime/index.js';
import { describeTransportContract } from './transport-contract.js';

describeTransportContract('Pub/Sub (emulator)', async () => {
  const projectId = process.env.GCP_PROJECT_ID ?? 'event-bus-test';
  const transport = new PubSubTransport({ projectId });
  return { transport, projectId, close: () => transport.close() };
});
