/**
 * One HTTP request and its whole answer over Node's own http/https modules. The CLI makes one or
 * two requests per run, so a built-in client beats loading an HTTP library at every start-up.
 */
import { request as plainRequest, type Agent, type IncomingMessage } from 'node:http';
import { tlsVerifyFailure } from './tls-errors.ts';

/** A transport failure (nothing listening, wrong scheme, a certificate that failed its check). */
export class ConnectError extends Error {
  constructor(
    message: string,
    /** The failure in the Go client's words, when vaultlab has them (a failed certificate check), for commands that prefix it as vault does. */
    readonly goError?: string,
  ) {
    super(message);
  }
}

/** What the CLI needs of an answer: the status, a redirect's target and the body as text. */
export interface RawResponse {
  status: number;
  location?: string;
  text: string;
}

/** Sends `payload` (JSON) to `url` and reads the full answer; rejects with the socket's own error. */
export async function exchange(
  url: URL,
  opts: { method: string; headers: Record<string, string>; agent: Agent },
  payload?: string,
): Promise<RawResponse> {
  const request = url.protocol === 'https:' ? (await import('node:https')).request : plainRequest;
  return new Promise((resolve, reject) => {
    const req = request(url, { method: opts.method, headers: opts.headers, agent: opts.agent }, (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', reject);
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, location: res.headers.location, text: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    req.on('error', reject);
    req.end(payload);
  });
}

/** The code of a Node system error; with both IPv4 and IPv6 tried, Node reports an AggregateError of them. */
function errorCode(err: unknown): string | undefined {
  if (!(err instanceof Error)) return undefined;
  const code = (err as NodeJS.ErrnoException).code;
  if (code) return code;
  if (err instanceof AggregateError) return errorCode(err.errors[0]);
  return undefined;
}

/** What to do about a server certificate the CLI does not trust. */
const TRUST_HINT =
  "Trust the server's CA with VAULT_CACERT or -ca-cert (a lab started with `vaultlab up --tls` prints its export line), or skip the check with -tls-skip-verify";

/**
 * A transport failure as a hint, naming the address that actually failed: after a standby's
 * 307 that is the active it pointed to, not the address the user gave.
 */
export function connectError(err: unknown, method: string, target: URL, redirectedFrom?: string): ConnectError {
  const at = target.origin;
  const where = redirectedFrom ? `${at} (redirected from ${new URL(redirectedFrom).origin})` : at;
  if (errorCode(err) === 'ECONNREFUSED') return new ConnectError(`Error: connection refused at ${where}: is the lab up? run "vaultlab up"`);
  const tls = tlsVerifyFailure(err, method, target);
  if (tls) return new ConnectError(`Error: ${tls}${tls.endsWith('unknown authority') ? `\n${TRUST_HINT}` : ''}`, tls);
  if (target.protocol === 'https:' && /EPROTO|SSL|wrong version/i.test(`${errorCode(err)} ${String(err)}`)) {
    return new ConnectError(`Error: the server answered plain HTTP to an HTTPS client: set VAULT_ADDR to ${at.replace('https:', 'http:')}`);
  }
  return new ConnectError(`Error: ${(err as Error).message} (${where})`);
}
