/**
 * A bare HTTP client for a node's real listener. Keep-alive is off, so every request
 * opens a fresh connection: a killed node then reads as "connection refused", never
 * as a pooled socket the kill left half-dead.
 */
import { Agent, request } from 'undici';

/** A node's answer: status and parsed JSON body (undefined when empty). */
export interface HttpAnswer {
  status: number;
  body: any;
}

/** Requests to any node's listener, with the root token once it is known. */
export class VaultHttp {
  // pipelining 0 is undici's "no keep-alive".
  private readonly agent = new Agent({ pipelining: 0 });
  token: string | undefined;

  /** Sends one request; rejects with the socket error when nothing listens. */
  async send(baseUrl: string, method: 'GET' | 'PUT', path: string, body?: unknown): Promise<HttpAnswer> {
    const headers: Record<string, string> = {};
    if (this.token) headers['x-vault-token'] = this.token;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await request(`${baseUrl}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      dispatcher: this.agent,
    });
    const text = await res.body.text();
    return { status: res.statusCode, body: text ? JSON.parse(text) : undefined };
  }

  /** Like send, but a non-2xx answer is an error: a lab operation that did not happen must fail the replay. */
  async must(baseUrl: string, method: 'GET' | 'PUT', path: string, body?: unknown): Promise<HttpAnswer> {
    const res = await this.send(baseUrl, method, path, body);
    if (res.status >= 300) throw new Error(`${method} ${path} on ${baseUrl} answered ${res.status}: ${JSON.stringify(res.body)}`);
    return res;
  }

  async close(): Promise<void> {
    await this.agent.close();
  }
}

/** Whether an error means nothing listens at the address (the node's process is down). */
export function isRefused(err: unknown): boolean {
  const e = err as { code?: string; cause?: { code?: string } };
  return e.code === 'ECONNREFUSED' || e.cause?.code === 'ECONNREFUSED';
}
