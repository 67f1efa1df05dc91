/**
 * The CLI's HTTP client: Vault's API over undici, configured like the `vault` CLI
 * (VAULT_ADDR, VAULT_TOKEN, -address), following one 307 unless VAULT_DISABLE_REDIRECTS,
 * and turning transport failures into hints a lab user can act on.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Agent, interceptors, request } from 'undici';

/** An API error with Vault's status and messages. */
export class ApiError extends Error {
  constructor(
    readonly method: string,
    readonly url: string,
    readonly status: number,
    readonly errors: string[],
  ) {
    super(`Error making API request.\n\nURL: ${method} ${url}\nCode: ${status}. Errors:\n\n${errors.map((e) => `* ${e}`).join('\n')}`);
  }
}

/** A transport failure (nothing listening, wrong scheme). */
export class ConnectError extends Error {}

/** Where the lab keeps its files. */
export function labHome(): string {
  return process.env.VAULTLAB_HOME ?? '.vaultlab';
}

/** A Node system error (ECONNREFUSED, EPROTO): undici rejects with the socket's own error. */
function isSystemError(err: unknown): err is NodeJS.ErrnoException {
  return err instanceof Error && 'code' in err;
}

/** The token: VAULT_TOKEN, else the one `login` saved, else the lab's root token. */
export function resolveToken(): string | undefined {
  if (process.env.VAULT_TOKEN) return process.env.VAULT_TOKEN;
  const saved = join(labHome(), 'token');
  if (existsSync(saved)) return readFileSync(saved, 'utf8').trim();
  const init = join(labHome(), 'init.json');
  if (existsSync(init)) return (JSON.parse(readFileSync(init, 'utf8')) as { root_token?: string }).root_token;
  return undefined;
}

let warned = false;

/** The server address: -address, else VAULT_ADDR, else the lab's first node (said once on stderr). */
export function resolveAddress(flag?: string): string {
  const addr = flag ?? process.env.VAULT_ADDR;
  if (addr) return addr.replace(/\/+$/, '');
  if (!warned && process.env.VAULTLAB_QUIET_ADDR !== '1')
    process.stderr.write("VAULT_ADDR is not set: using http://127.0.0.1:8200 (the lab's first node)\n");
  warned = true;
  return 'http://127.0.0.1:8200';
}

/** A client for one address and token. */
export class VaultClient {
  private readonly agent = process.env.VAULT_DISABLE_REDIRECTS
    ? new Agent()
    : new Agent().compose(interceptors.redirect({ maxRedirections: 1 }));

  constructor(
    readonly address: string,
    readonly token: string | undefined,
  ) {}

  /** Sends one request; returns the status and parsed body, throwing ApiError for ≥ 400. */
  async call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
    const url = `${this.address}/v1/${path.replace(/^\/+/, '')}`;
    const h: Record<string, string> = { 'x-vault-request': 'true', ...headers };
    if (this.token) h['x-vault-token'] = this.token;
    let res;
    try {
      res = await request(url, {
        method: method as 'GET',
        headers: h,
        body: body === undefined ? undefined : JSON.stringify(body),
        dispatcher: this.agent,
      });
    } catch (err) {
      if (isSystemError(err) && err.code === 'ECONNREFUSED') {
        throw new ConnectError(`Error: connection refused at ${this.address}: is the lab up? run "vaultlab up"`);
      }
      if (this.address.startsWith('https:') && /EPROTO|SSL|wrong version/i.test(String(err))) {
        throw new ConnectError(
          `Error: the server answered plain HTTP to an HTTPS client: set VAULT_ADDR to ${this.address.replace('https:', 'http:')}`,
        );
      }
      throw new ConnectError(`Error: ${(err as Error).message} (${this.address})`);
    }
    const text = await res.body.text();
    let parsed: any;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = text;
    }
    if (res.statusCode >= 400) throw new ApiError(method, url, res.statusCode, parsed?.errors ?? []);
    return { status: res.statusCode, body: parsed };
  }

  /** Closes the connection pool. */
  async close(): Promise<void> {
    await this.agent.close();
  }
}

/** Runs `fn` with a client for -address (or VAULT_ADDR) and the resolved token, closing it after. */
export async function withClient<T>(address: string | undefined, fn: (c: VaultClient) => Promise<T>): Promise<T> {
  const c = new VaultClient(resolveAddress(address), resolveToken());
  try {
    return await fn(c);
  } finally {
    await c.close();
  }
}
