/**
 * The event stream over HTTP, as server-sent events (`text/event-stream`): one `event:` and
 * one `data:` line per message. The dashboard reads it with fetch, not EventSource, because
 * EventSource cannot send the Authorization header the control plane requires.
 *
 * A watcher that reads slower than the lab talks is cut off once a bounded amount is queued
 * for it, rather than the lab holding an ever-growing buffer; it reconnects and starts again
 * from a fresh hello.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ControlError } from './control-errors.ts';
import type { LabEventHub, StreamMessage } from './lab-events.ts';

/** The most a watcher may have queued and unread before it is cut off. */
const STREAM_MAX_QUEUED_BYTES = 4 * 1024 * 1024;

/** One message in SSE's wire form (JSON has no raw newline, so `data:` is one line). */
function sseFrame(m: StreamMessage): string {
  return `event: ${m.event}\ndata: ${JSON.stringify(m.data)}\n\n`;
}

/** Serves the hub's stream on `res` until the watcher goes away or falls too far behind. */
export async function serveEventStream(hub: LabEventHub, res: ServerResponse, maxQueued = STREAM_MAX_QUEUED_BYTES): Promise<void> {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  // The first bytes tell the watcher the stream is open before anything has happened.
  res.write(': vaultlab event stream\n\n');
  let unsubscribe: (() => void) | undefined;
  let gone = false;
  const end = () => {
    if (gone) return;
    gone = true;
    unsubscribe?.();
    res.end();
  };
  res.on('close', end);
  const send = (m: StreamMessage) => {
    if (gone) return;
    res.write(sseFrame(m));
    if (res.writableLength > maxQueued) end();
  };
  try {
    unsubscribe = await hub.subscribe(send);
  } catch {
    // The lab could not be read for hello (its storage closed under it): the watcher reconnects later.
    return end();
  }
  if (gone) unsubscribe();
}

/** `/events` on a control endpoint, to a caller already checked: GET only. */
export async function serveEvents(hub: LabEventHub, req: IncomingMessage, res: ServerResponse): Promise<void> {
  if (req.method !== 'GET') throw new ControlError('CONTROL_METHOD', `/events takes GET, not ${req.method}`);
  await serveEventStream(hub, res);
}
