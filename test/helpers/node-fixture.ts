/** Builds a node with its app for tests: memory or level storage, no sockets unless asked. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../src/clock/index.ts';
import { buildApp } from '../../src/api/index.ts';
import { VaultNode } from '../../src/node/index.ts';
import { createBackend, type Backend } from '../../src/storage/index.ts';

/** A node, its app and its storage. */
export interface NodeFixture {
  node: VaultNode;
  app: FastifyInstance;
  backend: Backend;
  dir?: string;
  close(): Promise<void>;
}

/** A fresh uninitialized node on memory storage, or on level storage in `dir` (a new temp dir by default). */
export async function makeNode(
  opts: { storage?: 'memory' | 'level'; dir?: string; aead?: 'node' | 'noble'; clock?: Clock } = {},
): Promise<NodeFixture> {
  const storage = opts.storage ?? 'memory';
  const dir = storage === 'level' ? (opts.dir ?? (await mkdtemp(join(tmpdir(), 'vaultlab-test-')))) : undefined;
  const backend = await createBackend(storage, { path: dir });
  const node = await VaultNode.create({
    name: 'node1',
    backend,
    storageType: storage === 'memory' ? 'inmem' : 'level',
    apiAddr: 'http://127.0.0.1:8200',
    clusterAddr: 'http://127.0.0.1:8201',
    aead: opts.aead,
    clock: opts.clock,
  });
  const app = buildApp(node);
  return {
    node,
    app,
    backend,
    dir,
    close: async () => {
      await app.close();
      node.close();
      await backend.close();
    },
  };
}

/** Removes a temp dir made by makeNode. */
export async function removeDir(dir: string | undefined): Promise<void> {
  if (dir) await rm(dir, { recursive: true, force: true });
}

/** inject() with a JSON body and optional token; returns status, parsed body and headers. */
export async function call(
  app: FastifyInstance,
  method: string,
  url: string,
  opts: { body?: unknown; token?: string; headers?: Record<string, string>; raw?: string } = {},
): Promise<{ status: number; body: any; headers: Record<string, unknown>; text: string }> {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  if (opts.token) headers['x-vault-token'] = opts.token;
  let payload: string | undefined = opts.raw;
  if (opts.body !== undefined) {
    payload = JSON.stringify(opts.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await app.inject({ method: method as 'GET', url, headers, payload });
  let body: unknown;
  try {
    body = res.body ? JSON.parse(res.body) : undefined;
  } catch {
    body = res.body;
  }
  return { status: res.statusCode, body, headers: res.headers as Record<string, unknown>, text: res.body };
}

/** Initializes with shares/threshold and unseals with the first `threshold` keys; returns the init response. */
export async function initAndUnseal(
  app: FastifyInstance,
  shares = 5,
  threshold = 3,
): Promise<{ keys: string[]; keys_base64: string[]; root_token: string }> {
  const init = await call(app, 'PUT', '/v1/sys/init', { body: { secret_shares: shares, secret_threshold: threshold } });
  if (init.status !== 200) throw new Error(`init failed: ${init.status} ${init.text}`);
  for (let i = 0; i < threshold; i++) await call(app, 'PUT', '/v1/sys/unseal', { body: { key: init.body.keys[i] } });
  return init.body;
}

/** The `auth` block of a token creation, in Vault's field names. */
export interface CreatedToken {
  client_token: string;
  accessor: string;
  policies: string[];
  lease_duration: number;
  orphan: boolean;
  token_type: string;
}

/** Creates a token as `token` through auth/token/<path> (create, create-orphan, create/ROLE); anything but a 200 fails the test. */
export async function createToken(
  app: FastifyInstance,
  token: string,
  body: Record<string, unknown> = {},
  path = 'create',
): Promise<CreatedToken> {
  const r = await call(app, 'POST', `/v1/auth/token/${path}`, { token, body });
  if (r.status !== 200) throw new Error(`creating a token at auth/token/${path} answered ${r.status}: ${r.text}`);
  return r.body.auth as CreatedToken;
}
