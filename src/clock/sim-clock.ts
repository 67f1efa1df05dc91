/**
 * Virtual time for tests and drills. Nothing moves until the test advances the clock;
 * between timer firings it lets pending promise callbacks settle, so async code that
 * awaits storage or other actors behaves as it would in real time, only instantly and
 * in a reproducible order (timers due at the same instant fire in scheduling order).
 */
import { sleepOn, type Clock, type TimerHandle } from './clock.ts';

interface Pending {
  id: number;
  at: number;
  fn: () => void;
}

/** Lets queued microtasks and immediate callbacks run (storage promises, actor hand-offs). */
export async function settle(rounds = 4): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise<void>((r) => setImmediate(r));
}

/** A Clock whose time only moves when `advance()` or `runUntil()` is called. */
export class SimClock implements Clock {
  private time: number;
  private nextId = 1;
  private queue: Pending[] = [];

  constructor(start = Date.UTC(2026, 0, 1)) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const id = this.nextId++;
    this.queue.push({ id, at: this.time + Math.max(0, ms), fn });
    return { id };
  }

  clearTimeout(handle: TimerHandle | undefined): void {
    if (!handle) return;
    this.queue = this.queue.filter((p) => p.id !== handle.id);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return sleepOn(this, ms, signal);
  }

  /** Number of timers still scheduled. */
  get pending(): number {
    return this.queue.length;
  }

  /** When the next timer falls due; undefined when none is scheduled. */
  get nextDueAt(): number | undefined {
    return this.nextDue(Infinity)?.at;
  }

  /** Moves time forward by `ms`, firing every timer that falls due, in order. */
  async advance(ms: number): Promise<void> {
    await this.runUntil(this.time + ms);
  }

  /** Fires due timers one by one up to `target`, letting async work settle after each. */
  async runUntil(target: number): Promise<void> {
    await settle();
    for (;;) {
      const next = this.nextDue(target);
      if (!next) break;
      this.queue = this.queue.filter((p) => p !== next);
      this.time = Math.max(this.time, next.at);
      next.fn();
      await settle();
    }
    this.time = Math.max(this.time, target);
  }

  private nextDue(target: number): Pending | undefined {
    let best: Pending | undefined;
    for (const p of this.queue) {
      if (p.at <= target && (!best || p.at < best.at || (p.at === best.at && p.id < best.id))) best = p;
    }
    return best;
  }
}
