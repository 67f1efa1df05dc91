/**
 * The supervisor's calls to a node process's API: plain fetch with a short timeout, because
 * a paused process never answers and a status must not wait for it.
 */

/** A node's answer, or undefined when it gave none in time (down, paused). */
export async function nodeCall(
  apiAddr: string,
  method: 'GET' | 'PUT',
  path: string,
  o: { token?: string; body?: unknown; timeoutMs?: number } = {},
): Promise<{ status: number; body: Record<string, unknown> } | undefined> {
  const headers: Record<string, string> = {};
  if (o.token) headers['x-vault-token'] = o.token;
  if (o.body !== undefined) headers['content-type'] = 'application/json';
  try {
    const res = await fetch(`${apiAddr}/v1/${path}`, {
      method,
      headers,
      body: o.body === undefined ? undefined : JSON.stringify(o.body),
      redirect: 'manual',
      signal: AbortSignal.timeout(o.timeoutMs ?? 1000),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  } catch {
    return undefined;
  }
}

/** The node's answer when it is a success; its errors (or its silence) as an Error otherwise. */
export async function nodeMust(
  apiAddr: string,
  method: 'GET' | 'PUT',
  path: string,
  o: { token?: string; body?: unknown; timeoutMs?: number } = {},
) {
  const r = await nodeCall(apiAddr, method, path, { timeoutMs: 10_000, ...o });
  if (!r) throw new Error(`${apiAddr} did not answer ${method} /v1/${path}`);
  if (r.status >= 300)
    throw new Error(
      `${method} /v1/${path} at ${apiAddr}: ${((r.body.errors as string[] | undefined) ?? [`status ${r.status}`]).join('; ')}`,
    );
  return r.body;
}

/** Whether the node serves as the active: sys/health's 200 (an HA active, or a lone node without HA once unsealed). */
export async function isActive(apiAddr: string): Promise<boolean> {
  return (await nodeCall(apiAddr, 'GET', 'sys/health'))?.status === 200;
}
