// Public API of the event store.
export * from './types.js';
export * from './errors.js';
export * from './expected-version.js';
export * from './backend.js';
export * from './database.js';
export * from './migrations.js';
export * from './snapshots.js';
export * from './upcasting.js';
export * from './sqlite-backend.js';
export * from './postgres-backend.js';
export * from './event-store.js';
export * from './outbox-relay.js';
export * from './input-guard.js';
export * from './pg-faults.js';
export * from './store-transaction.js';
