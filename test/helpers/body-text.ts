/** A forwarded answer's body as text, whether it came whole (a Buffer) or streamed. */
import type { Readable } from 'node:stream';

export async function bodyText(body: Buffer | Readable): Promise<string> {
  if (Buffer.isBuffer(body)) return body.toString();
  const parts: Buffer[] = [];
  for await (const p of body) parts.push(p as Buffer);
  return Buffer.concat(parts).toString();
}
