/**
 * Counters that make "none lost" countable: every received message ends up acked (handled,
 * filtered or dead-lettered) or nacked (to be redelivered).
 */
export interface SubscriberStats {
  /** Deliveries received (redeliveries count again). */
  received: number;
  /** Handler finished without throwing. */
  handled: number;
  /** Acked: handled + filtered + deadLettered. */
  acked: number;
  /** Nacked: handler threw before its last attempt, or dead-lettering failed. */
  nacked: number;
  /** Sent to the dead-letter topic by the subscriber (unhandleable, or handler failed on the last attempt). */
  deadLettered: number;
  /** Malformed: missing attributes, undecodable data, payload failing its schema, unknown content type. */
  invalid: number;
  /** Unknown event type or version. */
  unknown: number;
  /** Another known event type on the same topic; acked without handling. */
  filtered: number;
  /** Handler threw (each attempt counts). */
  handlerErrors: number;
  /** Publishing to the dead-letter topic failed (message nacked instead). */
  deadLetterFailures: number;
  /** Handlers running right now. */
  inFlight: number;
}

export function emptyStats(): SubscriberStats {
  return {
    received: 0,
    handled: 0,
    acked: 0,
    nacked: 0,
    deadLettered: 0,
    invalid: 0,
    unknown: 0,
    filtered: 0,
    handlerErrors: 0,
    deadLetterFailures: 0,
    inFlight: 0,
  };
}
