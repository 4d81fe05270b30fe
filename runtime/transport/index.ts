export * from './transport.js';
export * from './in-process.js';
export * from './pubsub.js';
export * from './select.js';
