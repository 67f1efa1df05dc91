/**
 * A control request's body, read with bounds: JSON only, at most a few KB, within a deadline on
 * the lab's clock, so a client that sends slowly, too much or not JSON is refused before the
 * lab moves.
 */
import type { IncomingMessage } from 'node:http';
import type { Clock } from '../clock/index.ts';
import { ControlError, invalidInput } from './control-errors.ts';

/** Reads a POST's body: JSON only, at most `max` bytes, within `timeoutMs` on the lab's clock. */
export function readJsonBody(req: IncomingMessage, clock: Clock, max: number, timeoutMs: number): Promise<Record<string, unknown>> {
  const type = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/json')
    throw new ControlError(
      'CONTROL_MEDIA_TYPE',
      `the lab's control endpoint takes only Content-Type: application/json, not ${JSON.stringify(req.headers['content-type'] ?? '')}`,
    );
  const tooLarge = () => new ControlError('CONTROL_TOO_LARGE', `request body larger than ${max} bytes`);
  if (Number(req.headers['content-length'] ?? 0) > max) throw tooLarge();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const finish = (err: Error | undefined, body?: Record<string, unknown>) => {
      if (done) return;
      done = true;
      clock.clearTimeout(timer);
      req.removeAllListeners('data');
      if (err) reject(err);
      else resolve(body!);
    };
    const timer = clock.setTimeout(
      () => finish(new ControlError('CONTROL_TIMEOUT', `request body not received within ${timeoutMs} ms`)),
      timeoutMs,
    );
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) return finish(tooLarge());
      chunks.push(chunk);
    });
    req.on('error', (err) => finish(err));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8').trim();
      try {
        finish(undefined, text === '' ? {} : JSON.parse(text));
      } catch {
        finish(invalidInput('the request body is not valid JSON'));
      }
    });
  });
}
