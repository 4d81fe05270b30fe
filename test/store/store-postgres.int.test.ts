import { dropSchema, openTestBackend, randomSchemaName } from './support/postgres.js';
import { runStoreContract } from './store-contract.js';

const schema = randomSchemaName('store_contract');

runStoreContract('PostgreSQL', () => openTestBackend(schema), {
  // A pool of one connection each: separate sessions, as separate services would have.
  connectAnother: () => openTestBackend(schema, 1),
  teardown: () => dropSchema(schema),
});
