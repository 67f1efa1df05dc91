/**
 * Shared by the KV, mounts and cubbyhole tests: an unsealed node on a simulated clock
 * (so timestamps in bodies are exact and delete_version_after can be crossed without
 * waiting), a caller bound to a token, and an assertion on Vault's whole envelope.
 */
import { expect } from 'vitest';
import { SimClock } from '../../../../src/clock/index.ts';
import { storageDigest } from '../../../helpers/storage-dump.ts';
import { call, makeNode, type NodeFixture } from '../../../helpers/node-fixture.ts';

/** 2026-01-01T12:00:00Z, where every KV test clock starts. */
export const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

/** An HTTP reply as the fixture returns it. */
export type Reply = Awaited<ReturnType<typeof call>>;

/** A node ready for KV work. */
export interface KvNode {
  fx: NodeFixture;
  clock: SimClock;
  root: string;
  /** A request with a token (root unless given). */
  req(method: string, url: string, body?: unknown, opts?: { token?: string; headers?: Record<string, string> }): Promise<Reply>;
  /** A digest of every key and value in storage. */
  digest(): Promise<string>;
  close(): Promise<void>;
}

/** Inits (1 share) and unseals a node on a SimClock at T0; `devKvVersion` mounts secret/. */
export async function kvNode(devKvVersion?: 1 | 2): Promise<KvNode> {
  const clock = new SimClock(T0);
  const fx = await makeNode({ clock });
  const init = await fx.node.init({ secretShares: 1, secretThreshold: 1, devKvVersion });
  await fx.node.unseal({ key: init.keys[0] });
  const root = init.rootToken;
  return {
    fx,
    clock,
    root,
    req: (method, url, body, opts = {}) => call(fx.app, method, url, { token: opts.token ?? root, body, headers: opts.headers }),
    digest: () => storageDigest(fx.backend),
    close: () => fx.close(),
  };
}

/** An ISO time `ms` after T0, as Vault prints it (no trailing zeros in the fraction). */
export function at(ms: number): string {
  return new Date(T0 + ms).toISOString().replace(/\.?0+Z$/, 'Z');
}

/** Asserts a reply is exactly Vault's envelope with this status, data, warnings and mount type. */
export function expectEnvelope(
  r: Reply,
  status: number,
  data: unknown,
  opts: { warnings?: string[] | null; mountType?: string; leaseDuration?: number } = {},
): void {
  expect(r.status).toBe(status);
  expect(r.headers['content-type']).toBe('application/json');
  expect(r.body.request_id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  expect({ ...r.body, request_id: 'id' }).toEqual({
    request_id: 'id',
    lease_id: '',
    renewable: false,
    lease_duration: opts.leaseDuration ?? 0,
    data,
    wrap_info: null,
    warnings: opts.warnings ?? null,
    auth: null,
    mount_type: opts.mountType ?? 'kv',
  });
}

/** Asserts `{"errors":[...]}` with this status. */
export function expectErrors(r: Reply, status: number, errors: string[]): void {
  expect({ status: r.status, body: r.body }).toEqual({ status, body: { errors } });
}

/** Asserts a bodiless 204. */
export function expectNoContent(r: Reply): void {
  expect(r.status).toBe(204);
  expect(r.text).toBe('');
}
