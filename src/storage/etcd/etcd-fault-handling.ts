/**
 * How the etcd client rides out a member's death. The etcd3 package's default opens a circuit
 * for 5 s on any host that failed three calls in a row; while etcd elects a new leader every
 * member fails calls, so every circuit opens and the client refuses all calls for 5 s after the
 * election is over, five lock TTLs of the lab's. Here a circuit stays open only a quarter of a
 * second, and a call that failed on one member is tried again, shortly after, on the next.
 */
import { circuitBreaker, ConsecutiveBreaker, ConstantBackoff, handleWhen, retry } from 'cockatiel';
import { isRecoverableError, type IOptions } from 'etcd3';

/** How long a member that failed three calls in a row is skipped. */
const HALF_OPEN_AFTER_MS = 250;
/** The pause before a failed call is tried again (on another member). */
const RETRY_GAP_MS = 50;

/** The client's fault handling: short per-member circuits, and retries across members. */
export function etcdFaultHandling(): NonNullable<IOptions['faultHandling']> {
  return {
    host: () => circuitBreaker(handleWhen(isRecoverableError), { halfOpenAfter: HALF_OPEN_AFTER_MS, breaker: new ConsecutiveBreaker(3) }),
    global: retry(handleWhen(isRecoverableError), { maxAttempts: 3, backoff: new ConstantBackoff(RETRY_GAP_MS) }),
  };
}
