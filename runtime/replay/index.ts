// Public API of replay.
export * from './event-replayer.js';
