import { dropSchema, openTestBackend, randomSchemaName } from '../store/support/postgres.js';
import { runStoreParity } from './store-parity.contract.js';

const schema = randomSchemaName('store_parity');

runStoreParity('PostgreSQL', () => openTestBackend(schema), () => dropSchema(schema));
