/**
 * Snapshot bookkeeping for reconstructState. A snapshot is keyed by a reducer version so that
 * a changed reducer never starts from a state an older reducer produced.
 */
import { createHash } from 'node:crypto';

/** Default: no snapshots; the spec's example passes 10. */
export const DEFAULT_SNAPSHOT_INTERVAL = 0;

/**
 * Derived reducer version when none is given: a hash of the reducer's source text, the initial
 * state and the event versions it folds. It changes whenever that code changes, but it cannot
 * see helpers the reducer calls or values it closes over: pass `reducerVersion` explicitly when
 * those can change (docs/event-store.md, decision 0053).
 */
export function deriveReducerVersion(
  reducer: (...args: never[]) => unknown,
  initialState: unknown,
  eventVersions: string,
): string {
  const digest = createHash('sha256')
    .update(reducer.toString())
    .update('\u0000')
    .update(JSON.stringify(initialState) ?? 'undefined')
    .update('\u0000')
    .update(eventVersions)
    .digest('hex');
  return `sha256:${digest.slice(0, 32)}`;
}

/** True when going from `fromVersion` to `toVersion` crosses a multiple of `interval`. */
export function crossesSnapshotBoundary(fromVersion: number, toVersion: number, interval: number): boolean {
  if (interval <= 0) return false;
  return Math.floor(toVersion / interval) > Math.floor(fromVersion / interval);
}
