export * from './subscriber.js';
export * from './stats.js';
export * from './dead-letter.js';
export * from './stream-supervisor.js';
