import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MalformedEnvelopeError,
  type AnyEventEnvelope,
} from '../../runtime/index.js';
import { attributesToHeaders, CE, envelopeToAttributes, headersToEnvelope } from '../../runtime/cloudevents.js';

const envelope: AnyEventEnvelope = {
  eventId: '6f1c2b9e-3d4a-4c8e-9f21-7a5b0c3d2e10',
  eventType: 'user.created',
  eventVersion: 2,
  aggregateId: 'user-1',
  aggregateType: 'user',
  occurredAt: '2026-11-28T12:00:00.000Z',
  correlationId: 'corr',
  causationId: 'cause',
  payload: { any: 'thing' },
  metadata: { producer: 'accounts' },
};
const options = { source: '//clone/accounts', dataschema: 'https://schemas.clone.dev/events/user.created/2.json', encoding: 'json' as const };

describe('CloudEvents binary-mode attributes', () => {
  it('round-trips every envelope field except the payload', () => {
    const headers = attributesToHeaders(envelopeToAttributes(envelope, options));
    expect(headersToEnvelope(headers, envelope.payload)).toEqual(envelope);
    expect(headers).toMatchObject({ source: options.source, dataschema: options.dataschema, encoding: 'json', contentType: 'application/json' });
  });

  it('round-trips arbitrary envelopes (property)', () => {
    const text = fc.string({ minLength: 1, maxLength: 40 });
    fc.assert(
      fc.property(
        fc.record({
          eventId: fc.uuid(),
          eventType: text,
          eventVersion: fc.integer({ min: 1, max: 1000 }),
          aggregateId: text,
          aggregateType: text,
          occurredAt: fc.date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true }).map((date) => date.toISOString()),
          correlationId: fc.option(text, { nil: undefined }),
          causationId: fc.option(text, { nil: undefined }),
          metadata: fc.dictionary(fc.stringMatching(/^[a-z][a-zA-Z0-9_-]{0,20}$/), fc.string({ maxLength: 50 }), { maxKeys: 10 }),
        }),
        (fields) => {
          const event = Object.fromEntries(Object.entries({ ...fields, payload: null }).filter(([, value]) => value !== undefined)) as unknown as AnyEventEnvelope;
          expect(headersToEnvelope(attributesToHeaders(envelopeToAttributes(event, options)), null)).toEqual(event);
        },
      ),
    );
  });

  it('lists every missing attribute at once', () => {
    const error = (() => {
      try {
        attributesToHeaders({ 'ce-type': 'user.created' });
      } catch (caught) {
        return caught as MalformedEnvelopeError;
      }
      throw new Error('expected a MalformedEnvelopeError');
    })();
    expect(error).toBeInstanceOf(MalformedEnvelopeError);
    expect(error.code).toBe('MISSING_ATTRIBUTES');
    expect(error.problems).toEqual([
      "missing attribute 'ce-specversion'",
      "missing attribute 'ce-id'",
      "missing attribute 'ce-source'",
      "missing attribute 'ce-time'",
      "missing attribute 'ce-subject'",
      "missing attribute 'ce-eventversion'",
      "missing attribute 'ce-aggregatetype'",
    ]);
  });

  it('refuses an unreadable event version or spec version', () => {
    const attributes = envelopeToAttributes(envelope, options);
    expect(() => attributesToHeaders({ ...attributes, 'ce-eventversion': '2.5' })).toThrow(/expected a positive integer/);
    expect(() => attributesToHeaders({ ...attributes, 'ce-specversion': '0.3' })).toThrow(/expected '1.0'/);
  });

  it('writes the attributes under the names of CE, in one fixed order (the bytes on the wire)', () => {
    const attributes = envelopeToAttributes(envelope, options);
    expect(Object.keys(attributes)).toEqual([
      CE.specversion, CE.id, CE.type, CE.source, CE.time, CE.subject, CE.dataschema, CE.datacontenttype,
      CE.eventversion, CE.aggregatetype, CE.correlationid, CE.causationid, 'meta-producer',
    ]);
    expect(attributes).toEqual({
      'ce-specversion': '1.0',
      'ce-id': envelope.eventId,
      'ce-type': 'user.created',
      'ce-source': options.source,
      'ce-time': envelope.occurredAt,
      'ce-subject': 'user-1',
      'ce-dataschema': options.dataschema,
      'ce-datacontenttype': 'application/json',
      'ce-eventversion': '2',
      'ce-aggregatetype': 'user',
      'ce-correlationid': 'corr',
      'ce-causationid': 'cause',
      'meta-producer': 'accounts',
    });
  });

  it('maps codec encodings to content types', () => {
    expect(envelopeToAttributes(envelope, { ...options, encoding: 'avro-binary' })['ce-datacontenttype']).toBe('application/avro');
    expect(envelopeToAttributes(envelope, { ...options, encoding: 'avro-json' })['ce-datacontenttype']).toBe('application/avro+json');
    const { 'ce-datacontenttype': _dropped, ...withoutType } = envelopeToAttributes(envelope, options);
    expect(attributesToHeaders(withoutType).encoding).toBe('json');
  });
});
