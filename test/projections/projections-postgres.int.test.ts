import { dropSchema, openTestBackend, randomSchemaName } from '../store/support/postgres.js';
import { runProjectionContract } from './projection-contract.js';

const schema = randomSchemaName('projections');

runProjectionContract('PostgreSQL', {
  open: () => openTestBackend(schema),
  // Separate pools: separate sessions, as separate services would have.
  connectAnother: () => openTestBackend(schema, 2),
  childTarget: `postgres:${schema}`,
  teardown: () => dropSchema(schema),
});
