/** A bound on how many API calls a walk has in flight: a big tree must not open a socket per folder at once. */

/** Runs tasks through `limit`, at most `max` at a time, the rest queued in order. */
export type Limit = <T>(task: () => Promise<T>) => Promise<T>;

/** A limiter allowing `max` tasks at once. */
export function concurrencyLimit(max: number): Limit {
  let running = 0;
  const queue: Array<() => void> = [];
  const next = () => {
    running--;
    queue.shift()?.();
  };
  return <T>(task: () => Promise<T>) =>
    new Promise<T>((resolve, reject) => {
      const start = () => {
        running++;
        task().then(resolve, reject).finally(next);
      };
      if (running < max) start();
      else queue.push(start);
    });
}

/**
 * A promise started ahead of the moment it is awaited: its rejection is marked handled now, so
 * Node does not end the process before the walk reaches and awaits it.
 */
export function prefetch<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}
