/**
 * One timer for every publish in flight (decision 0120). A publisher's timeout is the same for all
 * of its publishes, so deadlines come due in the order publishes started: a doubly linked list in
 * start order is also in deadline order, the head is always the next one due, and one timer set for
 * the head covers them all. Adding and removing an entry is O(1) and allocates nothing beyond the
 * entry itself, where a timer per publish cost a Timeout, a promise and a `Promise.race` each.
 */

/** Node fires a longer (or infinite) delay after 1 ms with a warning: cap it, so a huge timeout means "practically never". */
const MAX_TIMER_DELAY = 2 ** 31 - 1;

function timerDelay(milliseconds: number): number {
  return Number.isNaN(milliseconds) ? MAX_TIMER_DELAY : Math.min(MAX_TIMER_DELAY, Math.max(1, Math.ceil(milliseconds)));
}

/** What the list links; the publisher's in-flight record extends it. */
export class DeadlineEntry {
  /** @internal */ previous: DeadlineEntry | undefined = undefined;
  /** @internal */ next: DeadlineEntry | undefined = undefined;
  /**
   * performance.now() at which it expires, rounded up to a whole millisecond: a small integer is
   * stored in the entry itself, a fractional one as a separate heap number kept alive with every
   * publish in flight (decision 0152). Expiring up to 1 ms later is within the timer's granularity.
   */
  /** @internal */ due = 0;
  /** In the list: neither answered nor expired yet. */
  pending = false;
}

export class Deadlines<T extends DeadlineEntry> {
  private head: T | undefined;
  private tail: T | undefined;
  private timer: NodeJS.Timeout | undefined;

  /**
   * @param timeoutMilliseconds how long each entry may stay.
   * @param expire called once per entry that stayed that long, after it left the list.
   */
  constructor(
    readonly timeoutMilliseconds: number,
    private readonly expire: (entry: T) => void,
  ) {}

  /** Starts the entry's clock. */
  add(entry: T): void {
    entry.due = Math.ceil(performance.now()) + this.timeoutMilliseconds;
    entry.pending = true;
    entry.previous = this.tail;
    entry.next = undefined;
    if (this.tail) this.tail.next = entry;
    else this.head = entry;
    this.tail = entry;
    // Nothing was in flight: the timer is armed for this one (while entries wait, it stays armed).
    this.timer ??= setTimeout(this.sweep, timerDelay(this.timeoutMilliseconds));
  }

  /**
   * Takes the entry out (it was answered). False when it had already left, i.e. it expired first
   * and its answer comes too late to count.
   */
  remove(entry: T): boolean {
    if (!entry.pending) return false;
    this.unlink(entry);
    // Nothing left in flight: no timer keeps the process alive.
    if (this.head === undefined && this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    return true;
  }

  /** Whether the timer is set: exactly while entries wait. */
  get armed(): boolean {
    return this.timer !== undefined;
  }

  /** Entries in the list (for tests and stats; walks the list). */
  get size(): number {
    let count = 0;
    for (let entry = this.head; entry; entry = entry.next as T | undefined) count += 1;
    return count;
  }

  private unlink(entry: T): void {
    entry.pending = false;
    const { previous, next } = entry;
    if (previous) previous.next = next;
    else this.head = next as T | undefined;
    if (next) next.previous = previous;
    else this.tail = previous as T | undefined;
    entry.previous = undefined;
    entry.next = undefined;
  }

  private readonly sweep = (): void => {
    this.timer = undefined;
    const now = performance.now();
    let entry = this.head;
    while (entry !== undefined && entry.due <= now) {
      this.unlink(entry);
      this.expire(entry);
      entry = this.head;
    }
    // The timer can fire a fraction of a millisecond before the head is due (libuv's clock is
    // read once per loop turn): arm it again for what is left, at least 1 ms.
    if (this.head !== undefined && this.timer === undefined) {
      this.timer = setTimeout(this.sweep, timerDelay(this.head.due - now));
    }
  };
}
