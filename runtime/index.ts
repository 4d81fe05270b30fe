// Public API of the runtime. Generated code imports only from here.
export * from './errors.js';
export * from './validation.js';
export * from './envelope.js';
export * from './catalog.js';
export * from './create-event.js';
export * from './ports.js';
export * from './codec/codec.js';
export * from './codec/avro.js';
export * from './config.js';
export * from './defaults.js';
export * from './cloudevents.js';
export * from './idempotency.js';
export * from './transport/index.js';
export * from './publisher/index.js';
export * from './subscriber/index.js';
export * from './store/index.js';
export * from './infra/index.js';
