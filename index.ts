// The package root: the generated SDK for this registry (types, createEvent, validators, catalog,
// facades) and the runtime it is built on.
export * from './runtime/index.js';
export * from './generated/index.js';
