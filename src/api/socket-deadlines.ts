/**
 * Deadlines for slow clients, per connection, as Go's http.Server (and so Vault) sets
 * them: a request's head must arrive within the read-header timeout and the whole
 * request, body included, within the read timeout, both counted from the request's first
 * byte (from the connection, for its first request). A client that misses one is
 * disconnected without an answer, as Go does.
 *
 * Node's own headersTimeout and requestTimeout cannot do this job here: Node arms them only
 * on a server that listens (ours is handed its sockets by the listener's net server), and
 * the LIST shim holds partial heads back, so Node's parser would never see a slow head
 * begin. The shim reports where each request stands (list-method.ts), and that drives these.
 */
import type { Socket } from 'node:net';
import type { Clock, TimerHandle } from '../clock/index.ts';
import type { RequestPhase } from './list-method.ts';

/** The two per-request deadlines, in ms (0 turns one off). */
export interface RequestDeadlines {
  readHeaderTimeoutMs: number;
  readTimeoutMs: number;
}

/** Times one connection's requests; `update` after every read, `stop` when it closes. */
export class SocketDeadlines {
  private header: TimerHandle | undefined;
  private whole: TimerHandle | undefined;
  private inRequest = false;
  private received = 0;

  constructor(
    private readonly sock: Socket,
    private readonly limits: RequestDeadlines,
    private readonly clock: Clock,
  ) {
    // A fresh connection owes its first request's head: a silent one is a slow one.
    this.begin();
  }

  /** Follows the current request: started, head complete, fully received (`received` counts whole requests). */
  update(phase: RequestPhase, received: number): void {
    // A request completed in this read: the next one (already begun, when pipelined) gets deadlines of its own.
    if (received !== this.received) this.stop();
    this.received = received;
    if (phase === 'idle') return this.stop();
    if (!this.inRequest) this.begin();
    if (phase === 'body') {
      this.clock.clearTimeout(this.header);
      this.header = undefined;
    }
  }

  /** Clears both deadlines (the request is in, or the connection is gone). */
  stop(): void {
    this.inRequest = false;
    this.clock.clearTimeout(this.header);
    this.clock.clearTimeout(this.whole);
    this.header = this.whole = undefined;
  }

  private begin(): void {
    this.inRequest = true;
    const expire = () => {
      this.stop();
      this.sock.destroy();
    };
    if (this.limits.readHeaderTimeoutMs > 0) this.header = this.clock.setTimeout(expire, this.limits.readHeaderTimeoutMs);
    if (this.limits.readTimeoutMs > 0) this.whole = this.clock.setTimeout(expire, this.limits.readTimeoutMs);
  }
}
