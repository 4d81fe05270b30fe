// Pub/Sub resource management from the registry: provisioning (`infra`) and schema sync (`schemas`).
export * from './errors.js';
export * from './config.js';
export * from './plan.js';
export * from './resource-names.js';
export * from './registry-topology.js';
export * from './subscription-settings.js';
export * from './desired-state.js';
export * from './live-state.js';
export * from './provision.js';
export { withPubSub, createManagementClient } from './pubsub-client.js';
export * from './canonical-json.js';
export * from './avro-definitions.js';
export * from './avro-resolution.js';
export * from './schema-live-state.js';
export * from './schema-sync.js';
export * from './schema-revisions.js';
export * from './topic-encoding.js';
