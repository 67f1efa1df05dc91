/**
 * The wall clock to the tens of microseconds, for a lab's links in real time. Node's timers
 * fire no sooner than 1 ms and in whole ms, so a link set to 0.05 ms would cost about 1.2 ms a
 * crossing on them. This clock sleeps on a timer for all but the last millisecond of a wait,
 * then turns the event loop (setImmediate, I/O still served between turns) until the wait is
 * due. The turning costs CPU only while something waits less than a millisecond more, and a
 * link with no delay never waits (its bytes pass straight through).
 */
import { sleepOn, type Clock, type TimerHandle } from '../clock/index.ts';

/** The wall clock in fractional ms since the epoch. */
function preciseNow(): number {
  return performance.timeOrigin + performance.now();
}

type Pending = { timer: NodeJS.Timeout } | { immediate: NodeJS.Immediate };

/** A Clock whose timers fire within a loop turn of their due time, not up to a millisecond and more after it. */
export class PreciseClock implements Clock {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  now(): number {
    return preciseNow();
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    const due = this.now() + Math.max(0, ms);
    // A timer for the whole ms but the last (it may fire up to one late), then loop turns until due.
    const arm = (left: number) => {
      // The timer is unref'd as RealClock's are; an immediate is not: an unref'd one does not keep the
      // loop from blocking in its poll, so it would run only when some I/O or timer next woke the loop.
      const next: Pending = left >= 2 ? { timer: setTimeout(step, Math.floor(left) - 1).unref() } : { immediate: setImmediate(step) };
      this.pending.set(id, next);
    };
    const step = () => {
      const left = due - this.now();
      if (left > 0) return arm(left);
      this.pending.delete(id);
      fn();
    };
    arm(Math.max(0, ms));
    return { id };
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (!handle) return;
    const p = this.pending.get(handle.id);
    if (!p) return;
    if ('timer' in p) clearTimeout(p.timer);
    else clearImmediate(p.immediate);
    this.pending.delete(handle.id);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(this, ms, signal);
  }
}
