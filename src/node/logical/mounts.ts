/**
 * The mount table: which engine serves which path prefix. Persisted through the
 * barrier at core/mounts; each mount's data lives under logical/<uuid>/. Routing is
 * by longest prefix, as Vault's router does.
 */
import type { Barrier } from '../../crypto/index.ts';
import { uuid } from '../../crypto/index.ts';
import { StorageKeys } from '../../storage/index.ts';
import { InternalError } from '../errors.ts';

/** One mounted engine, in Vault's `mountInfo` field names where it reaches the wire. */
export interface MountEntry {
  path: string;
  type: string;
  description: string;
  uuid: string;
  accessor: string;
  options: Record<string, string> | null;
  config: { defaultLeaseTtl: number; maxLeaseTtl: number; forceNoCache: boolean; listingVisibility?: string };
  local: boolean;
  sealWrap: boolean;
  /** Optional so that tables written before it existed still load. */
  externalEntropyAccess?: boolean;
  /** Auth mounts (auth/token/) are listed by sys/auth, not sys/mounts. */
  table: 'secret' | 'auth';
}

/** Vault's system default and maximum lease, 768h, in seconds. */
export const SYSTEM_LEASE_TTL = 2_764_800;

/** A mount's effective lease TTLs in seconds (dynamicSystemView: the mount's own, else the system's; default never above max). */
export function effectiveTtls(m: MountEntry): { defaultTtl: number; maxTtl: number } {
  const maxTtl = m.config.maxLeaseTtl || SYSTEM_LEASE_TTL;
  return { defaultTtl: Math.min(m.config.defaultLeaseTtl || SYSTEM_LEASE_TTL, maxTtl), maxTtl };
}

const enc = new TextEncoder();
const dec = new TextDecoder();

/** A new mount entry with fresh ids. */
export function newMount(
  path: string,
  type: string,
  description: string,
  extra: Partial<Pick<MountEntry, 'options' | 'local' | 'sealWrap' | 'externalEntropyAccess' | 'table' | 'config'>> = {},
): MountEntry {
  return {
    path: path.endsWith('/') ? path : `${path}/`,
    type,
    description,
    uuid: uuid(),
    // Vault's accessor: <type>_ and 8 random hex digits (the first 8 of a v4 UUID are all random).
    accessor: `${extra.table === 'auth' ? 'auth_' : ''}${type}_${uuid().slice(0, 8)}`,
    options: extra.options ?? null,
    config: extra.config ?? { defaultLeaseTtl: 0, maxLeaseTtl: 0, forceNoCache: false },
    local: extra.local ?? false,
    sealWrap: extra.sealWrap ?? false,
    externalEntropyAccess: extra.externalEntropyAccess ?? false,
    table: extra.table ?? 'secret',
  };
}

/** The mounts every initialized node has (Vault's required mounts). */
export function requiredMounts(): MountEntry[] {
  return [
    newMount('cubbyhole/', 'cubbyhole', 'per-token private secret storage', { local: true }),
    newMount('identity/', 'identity', 'identity store'),
    newMount('sys/', 'system', 'system endpoints used for control, policy and debugging'),
    newMount('auth/token/', 'token', 'token based credentials', { table: 'auth' }),
  ];
}

/** The in-memory mount table, loaded from and saved to storage. */
export class MountTable {
  private entries: MountEntry[] = [];
  /** Paths sorted longest first, so the first prefix match is the longest. */
  private sorted: MountEntry[] = [];

  constructor(private readonly barrier: Barrier) {}

  /** Every mount, in path order. */
  all(): MountEntry[] {
    return [...this.entries].sort((a, b) => a.path.localeCompare(b.path));
  }

  /** Reads the table from storage; a table that cannot be read is an error naming core/mounts, since nothing can be served without it. */
  async load(): Promise<void> {
    let entries: MountEntry[];
    try {
      const raw = await this.barrier.get(StorageKeys.mounts);
      entries = raw ? (JSON.parse(dec.decode(raw)) as MountEntry[]) : [];
    } catch (err) {
      throw new InternalError(`cannot load the mount table at ${StorageKeys.mounts}: ${err instanceof Error ? err.message : String(err)}`);
    }
    this.set(entries);
  }

  /** Forgets the table (seal). */
  unload(): void {
    this.set([]);
  }

  /** Adds a mount and persists the table. */
  async add(entry: MountEntry): Promise<void> {
    this.set([...this.entries, entry]);
    await this.save();
  }

  /** Removes the mount at exactly `path` and persists; returns it. */
  async remove(path: string): Promise<MountEntry | undefined> {
    const gone = this.entries.find((m) => m.path === path);
    if (!gone) return undefined;
    this.set(this.entries.filter((m) => m !== gone));
    await this.save();
    return gone;
  }

  /** Persists an entry changed in place (tune). */
  async save(): Promise<void> {
    await this.barrier.put(StorageKeys.mounts, enc.encode(JSON.stringify(this.entries)));
  }

  /** The mount whose path is the longest prefix of `path` ('secret/data/x' → 'secret/'). */
  match(path: string): MountEntry | undefined {
    for (const m of this.sorted) {
      if (path.startsWith(m.path) || path === m.path.slice(0, -1)) return m;
    }
    return undefined;
  }

  /** The mount at exactly this path ('secret' or 'secret/'). */
  get(path: string): MountEntry | undefined {
    const p = path.endsWith('/') ? path : `${path}/`;
    return this.entries.find((m) => m.path === p);
  }

  private set(entries: MountEntry[]): void {
    this.entries = entries;
    this.sorted = [...entries].sort((a, b) => b.path.length - a.path.length);
  }
}
