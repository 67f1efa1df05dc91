/**
 * The contract between the router and a secrets engine (or the sys and token
 * backends). An engine sees a path relative to its mount and a Storage view scoped to
 * logical/<mount uuid>/, so it can neither see nor touch another mount's data.
 */
import type { Clock } from '../../../clock/index.ts';
import type { Storage } from '../../../crypto/index.ts';
import type { MountEntry } from '../mounts.ts';
import type { LogicalRequest, LogicalResponse } from '../request.ts';
import type { TokenEntry } from '../token/token-entry.ts';

/** A request as an engine receives it. */
export interface EngineRequest extends LogicalRequest {
  /** Path relative to the mount ('data/foo' on 'secret/'). */
  path: string;
  mount: MountEntry;
  storage: Storage;
  /** The caller's token entry (undefined only on unauthenticated paths). */
  caller: TokenEntry | undefined;
  clock: Clock;
  /**
   * What this request's existence check already did (the matched path, the record it read),
   * so the handler neither matches nor reads again. Set by the check; the request handler
   * drops it when the node left active in between (another node may have written since).
   */
  existence?: ExistenceResult;
}

/** The route an existence check matched and what it read there. */
export interface ExistenceResult {
  /** The relative path it was matched for (a handler serving another path ignores it). */
  readonly path: string;
  /** The engine's own route object (its path table entry). */
  readonly route: unknown;
  /** The route's captures. */
  readonly params: Readonly<Record<string, string>>;
  /** What the check read, in the engine's terms (a KV v2 key's metadata and when it was read). */
  record?: unknown;
}

/** A secrets engine or system backend. */
export interface Engine {
  /** Serves one request; undefined means "no content" (204) or, for read/list, not found (404). */
  handle(req: EngineRequest): Promise<LogicalResponse | undefined>;
  /** Paths relative to the mount served without a token (PathsSpecial.Unauthenticated: an auth method's login). */
  readonly unauthenticated?: readonly RegExp[];
  /** Vault's existence check for POST/PUT: true → update, false → create (matters for ACL); undefined = this path has none (update). */
  exists?(req: EngineRequest): Promise<boolean | undefined>;
}

const dec = new TextDecoder();

/** Reads a JSON value from an engine's storage. */
export async function getJson<T>(storage: Storage, key: string): Promise<T | undefined> {
  const raw = await storage.get(key);
  return raw ? (JSON.parse(dec.decode(raw)) as T) : undefined;
}

/** Deletes every key under `prefix`, folder by folder (a disabled mount's data, a revoked token's cubbyhole). */
export async function deleteTree(storage: Storage, prefix: string): Promise<void> {
  for (const child of await storage.list(prefix)) {
    if (child.endsWith('/')) await deleteTree(storage, prefix + child);
    else await storage.delete(prefix + child);
  }
}

/** A value as the JSON bytes an engine stores. */
export function jsonBytes(value: unknown): Uint8Array {
  return Buffer.from(JSON.stringify(value), 'utf8');
}

/** Writes a JSON value to an engine's storage. */
export async function putJson(storage: Storage, key: string, value: unknown): Promise<void> {
  await storage.put(key, jsonBytes(value));
}
