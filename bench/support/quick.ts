/** `npm run bench -- --quick`: a smoke run (CI runs it) with one round and small counts. */
export const QUICK = process.env.EVENT_BUS_BENCH_QUICK === '1';

/** `full` normally, `small` in a quick run. */
export function sized(full: number, small: number): number {
  return QUICK ? small : full;
}

/** `npm run bench -- --large`: adds the largest sizes (the 10⁶-event stream), which take many minutes. */
export const LARGE = process.env.EVENT_BUS_BENCH_LARGE === '1';
