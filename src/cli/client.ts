/**
 * The CLI's HTTP client: Vault's API over node:http (no HTTP library to load at start-up), configured like the `vault` CLI
 * (VAULT_ADDR, VAULT_TOKEN, -address, and the TLS settings of tls-flags.ts), following one 307 unless VAULT_DISABLE_REDIRECTS,
 * and turning transport failures into hints a lab user can act on.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Agent as HttpAgent } from 'node:http';
import { connectError, exchange } from './http-exchange.ts';
import { tlsClientOptions } from './tls-flags.ts';

/** The errors of an answer as Vault's client lists them; a body that is not JSON (plain HTTP to a TLS port) is its Raw Message. */
function errorList(errors: string[], body: unknown): string {
  if (errors.length === 0 && typeof body === 'string' && body) return `Raw Message:\n\n${body.replace(/\n$/, '')}`;
  return `Errors:\n\n${errors.map((e) => `* ${e}`).join('\n')}`;
}

/** An API error with Vault's status and messages. */
export class ApiError extends Error {
  constructor(
    readonly method: string,
    readonly url: string,
    readonly status: number,
    readonly errors: string[],
    /** The answer's parsed body: a KV v2 404 still carries a deleted version's metadata. */
    readonly body?: unknown,
  ) {
    super(`Error making API request.\n\nURL: ${method} ${url}\nCode: ${status}. ${errorList(errors, body)}`);
  }
}

export { ConnectError } from './http-exchange.ts';

/** Where the lab keeps its files. */
export function labHome(): string {
  return process.env.VAULTLAB_HOME ?? '.vaultlab';
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
  private readonly followRedirects = !process.env.VAULT_DISABLE_REDIRECTS;
  private readonly agent = new HttpAgent({ keepAlive: true });
  private secureAgent?: HttpAgent;

  constructor(
    readonly address: string,
    readonly token: string | undefined,
  ) {}

  /** Sends one request; returns the status and parsed body, throwing ApiError for ≥ 400. */
  async call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
    const url = `${this.address}/v1/${path.replace(/^\/+/, '')}`;
    const h: Record<string, string> = { 'x-vault-request': 'true', ...headers };
    if (this.token) h['x-vault-token'] = this.token;
    const payload = body === undefined ? undefined : JSON.stringify(body);
    let res = await this.send(method, new URL(url), h, payload);
    // A standby answers 307 to its active; Vault's client follows one, same method, body and token.
    if (this.followRedirects && res.status === 307 && res.location) {
      const target = new URL(res.location, url);
      res = await this.send(method, target, h, payload, url);
    }
    let parsed: any;
    try {
      parsed = res.text ? JSON.parse(res.text) : undefined;
    } catch {
      parsed = res.text;
    }
    if (res.status >= 400) throw new ApiError(method, url, res.status, parsed?.errors ?? [], parsed);
    return { status: res.status, body: parsed };
  }

  /** One exchange with `target`, transport failures turned into a ConnectError naming the address that failed. */
  private async send(method: string, target: URL, headers: Record<string, string>, payload?: string, redirectedFrom?: string) {
    // Outside the try: a TLS file that cannot be read is the user's mistake (exit 1), not a transport failure.
    const agent = await this.agentFor(target);
    try {
      return await exchange(target, { method, headers, agent }, payload);
    } catch (err) {
      throw connectError(err, method, target, redirectedFrom);
    }
  }

  /** node:https is loaded only for an https address: plain-HTTP labs never pay for TLS (nor read its files). */
  private async agentFor(target: URL): Promise<HttpAgent> {
    if (target.protocol !== 'https:') return this.agent;
    this.secureAgent ??= new (await import('node:https')).Agent({ keepAlive: true, ...tlsClientOptions() });
    return this.secureAgent;
  }

  /** Closes the connection pool. */
  close(): void {
    this.agent.destroy();
    this.secureAgent?.destroy();
  }
}

/** Runs `fn` with a client for -address (or VAULT_ADDR) and the token (the resolved one unless given), closing it after. */
export async function withClient<T>(address: string | undefined, fn: (c: VaultClient) => Promise<T>, token = resolveToken()): Promise<T> {
  const c = new VaultClient(resolveAddress(address), token);
  try {
    return await fn(c);
  } finally {
    c.close();
  }
}
