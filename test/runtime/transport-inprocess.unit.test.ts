import { InProcessTransport } from '../../runtime/index.js';
import { describeTransportContract } from './transport-contract.js';

describeTransportContract('in-process', async () => {
  const transport = new InProcessTransport({ projectId: 'contract-project' });
  return { transport, projectId: 'contract-project', close: () => transport.close() };
});
