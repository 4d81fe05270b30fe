/**
 * A requeue that dies mid-way: it claims the parked row (under a lease of LEASE_MS), starts the
 * publish, and is SIGKILLed by the test before the broker answers (its channel never does).
 * Env: SQLITE_PATH, PARKED_ID, LEASE_MS.
 */
import { SqliteParkedMessageRepository, type DeadLetterChannel } from '../../../runtime/dlq/index.js';
import { ParkedMessages } from '../../../ops/dlq/index.js';
import { openSqlite } from '../../../runtime/store/database.js';
import { emit } from '../support/workers.js';

const repository = new SqliteParkedMessageRepository({ db: openSqlite(process.env.SQLITE_PATH!), closeDatabase: true });
const hanging: DeadLetterChannel = {
  ensureTopic: async () => undefined,
  ensureSubscription: async () => undefined,
  consume: () => Promise.reject(new Error('not used')),
  publish: () => {
    emit('publishing');
    return new Promise<string>(() => undefined);
  },
  topicOfSubscription: async () => undefined,
  close: async () => undefined,
};
const operator = new ParkedMessages({ repository, channel: hanging, actor: 'faults' });
// Keeps the process alive until it is killed.
setInterval(() => undefined, 60_000);
await operator.requeue(process.env.PARKED_ID!, { leaseMilliseconds: Number(process.env.LEASE_MS) });
