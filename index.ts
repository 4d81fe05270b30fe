// The package root: the generated SDK for this registry (types, createEvent, validators, catalog,
// facades) and the runtime it is built on.
export * from './runtime/index.js';
export * from './generated/index.js';
// Both export these names: the root offers the ones bound to this registry's catalog
// (`new EventPublisher({ projectId })`); the generic classes stay at '@clone/event-bus/runtime'.
export {
  DeadLetterQueueHandler,
  EventPublisher,
  EventReplayer,
  EventStore,
  EventSubscriber,
} from './generated/index.js';
