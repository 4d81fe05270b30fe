/**
 * The testing kit's projection specification on the demo's document board: events appended to a
 * real in-memory store with the projection kept inline, the read model queried through its view.
 */
import { describe, expect, it } from 'vitest';
import { catalog, type EventMap, type VersionedEventMap } from '../../generated/index.js';
import { defineProjection } from '../../runtime/projections/types.js';
import { documentBoard } from '../../cli/demo/read-models.js';
import { EventAssertionError, EventSamples, ProjectionSpec } from '../../testing/index.js';
import { REPO_ROOT } from '../generator/support.js';

const samples = new EventSamples<EventMap, VersionedEventMap>({ catalog, registryRoot: REPO_ROOT });
const documentId = '2b7f0c1e-8a3d-4c5e-9f10-3d4c5b6a7e8f';

describe('ProjectionSpec', () => {
  const spec = ProjectionSpec.for<EventMap>({ catalog, projection: documentBoard });
  const failed = samples.event('document.processing_failed', { seed: 1, aggregateId: documentId });
  const failure = { ...failed, payload: { ...failed.payload, documentId } };
  const processed = samples.event('document.processed', { seed: 2, aggregateId: documentId });
  const success = { ...processed, payload: { ...processed.payload, documentId } };

  it('given/when/thenRows: a failed document that is then processed shows as processed, second attempt', async () => {
    const rows = await spec
      .given([failure])
      .when([success])
      .thenRows<{ document_id: string; status: string; attempts: number; failed_stage: string | null }>(
        'SELECT document_id, status, attempts, failed_stage FROM document_board',
        [{ document_id: documentId, status: 'processed', attempts: 2, failed_stage: null }],
      );
    expect(rows).toHaveLength(1);
  });

  it('a wrong expectation names the row and column that differ', async () => {
    await expect(
      spec.given([failure]).thenRows('SELECT status FROM document_board', [{ status: 'processed' }]),
    ).rejects.toThrow(/differs at \/0\/status/);
    await expect(spec.given([failure]).then(() => false)).rejects.toBeInstanceOf(EventAssertionError);
  });

  it('thenThrows: a handler that throws rolls the append back with a typed error', async () => {
    const broken = defineProjection<EventMap>()({
      name: 'broken_board',
      version: 1,
      eventTypes: ['document.processed'],
      tables: ['broken_board'],
      init: (ctx) => ctx.execute(`CREATE TABLE ${ctx.table('broken_board')} (id TEXT PRIMARY KEY)`),
      handle: () => {
        throw new Error('cannot project');
      },
    });
    const error = await ProjectionSpec.for<EventMap>({ catalog, projection: broken }).given([success]).thenThrows();
    expect((error as { code?: string }).code).toBe('PROJECTION_INLINE_FAILED');
    await expect(spec.given([success]).thenThrows()).rejects.toThrow(/every append succeeded/);
  });
});
