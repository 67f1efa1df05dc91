// @ts-check
/**
 * The lab's event stream and its verbs, from the page. The secret comes from the page's own
 * address (`#secret=...`): a fragment is never sent to a server nor kept in its logs. It goes
 * out only as the Authorization header of same-origin requests, which is why the stream is
 * read with fetch (EventSource cannot send a header).
 */

/** The lab's secret, from the page address's fragment, or '' when it has none. */
export function secretFromLocation() {
  return new URLSearchParams(location.hash.slice(1)).get('secret') ?? '';
}

/** Splits server-sent events out of a text stream: yields each complete frame's event name and data. */
export class SseParser {
  constructor() {
    this.buffer = '';
  }

  /** Takes a chunk; returns the frames it completed. @param {string} chunk */
  push(chunk) {
    this.buffer += chunk;
    /** @type {{ event: string, data: string }[]} */
    const frames = [];
    let end;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      let event = 'message';
      const data = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) event = line.slice(7);
        else if (line.startsWith('data: ')) data.push(line.slice(6));
      }
      if (data.length) frames.push({ event, data: data.join('\n') });
    }
    return frames;
  }
}

/**
 * Reads the stream until `signal` aborts, reconnecting after a drop (a fresh hello then
 * replaces what the page had). `onState` hears 'live', 'reconnecting' or 'refused' (the
 * credential was wrong: no point retrying).
 * @param {string} authorization the Authorization header: `Bearer <secret>`, or a key holder's `Holder <i>.<token>`
 * @param {(m: import('./lab-model.js').StreamMessage) => void} onMessage
 * @param {(state: 'live' | 'reconnecting' | 'refused', why?: string) => void} onState
 * @param {AbortSignal} signal
 */
export async function followLab(authorization, onMessage, onState, signal) {
  let delay = 250;
  while (!signal.aborted) {
    try {
      const res = await fetch('/events', { headers: { authorization }, signal, cache: 'no-store' });
      if (res.status === 401 || res.status === 403) {
        onState('refused', ((await res.json()).errors ?? []).join('; '));
        return;
      }
      if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
      onState('live');
      delay = 250;
      const parser = new SseParser();
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        for (const f of parser.push(value)) onMessage(/** @type {any} */ ({ event: f.event, data: JSON.parse(f.data) }));
      }
    } catch (err) {
      if (signal.aborted) return;
    }
    onState('reconnecting');
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 4000);
  }
}

/**
 * Sends one lab verb (`kill`, `unseal`, ...; GET for a body of null) and returns the answer's
 * result, or throws an Error with the control plane's words.
 * @param {string} authorization the Authorization header
 * @param {string} verb
 * @param {Record<string, unknown> | null} body
 */
export async function labAction(authorization, verb, body = {}) {
  const res = await fetch(`/${verb}`, {
    method: body === null ? 'GET' : 'POST',
    headers: body === null ? { authorization } : { authorization, 'content-type': 'application/json' },
    body: body === null ? undefined : JSON.stringify(body),
  });
  const answer = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error((answer.errors ?? [`HTTP ${res.status}`]).join('; '));
  return answer.result;
}
