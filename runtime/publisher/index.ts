export * from './publisher.js';
export * from './errors.js';
export * from './codec-choice.js';
