import { openSqliteBackend } from '../../runtime/store/index.js';
import { runStoreParity } from './store-parity.contract.js';

runStoreParity('SQLite', async () => openSqliteBackend(':memory:', { migrate: true }));
