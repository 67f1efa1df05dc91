/**
 * sys/mounts (list, enable, disable, read one, tune), sys/auth, and the
 * sys/internal/ui/mounts preflight the `vault kv` CLI uses to learn a mount's KV version.
 */
import { BadRequestError, UnsupportedOperationError, VaultError } from '../../errors.ts';
import { newMount, type MountEntry } from '../../mounts.ts';
import type { VaultNode } from '../../vault-node.ts';
import type { EngineRequest } from '../engine.ts';
import { mountInfo } from './mount-info.ts';
import type { SysHandler } from './sys-engine.ts';

/** Vault's answer when the preflight finds no mount or no access (the same 403 for both). */
export class PreflightDeniedError extends VaultError {
  constructor(path: string) {
    const mount = `${path.split('/')[0]}/`;
    super('PERMISSION_DENIED', `preflight capability check returned 403, please ensure client's policies grant access to path ${JSON.stringify(mount)}`);
  }
}

const RESERVED = ['sys/', 'auth/', 'cubbyhole/', 'identity/'];
const ENGINE_TYPES = new Set(['kv', 'cubbyhole']);

/** type aliases Vault accepts → [type, version]. */
function resolveType(type: string, options: Record<string, string> | null): [string, Record<string, string> | null] {
  if (type === 'kv-v2') return ['kv', { ...(options ?? {}), version: '2' }];
  if (type === 'kv-v1' || type === 'generic') return ['kv', { ...(options ?? {}), version: '1' }];
  if (type === 'kv') return ['kv', { version: '1', ...(options ?? {}) }];
  return [type, options];
}

function stringOptions(v: unknown): Record<string, string> | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'object' || Array.isArray(v)) throw new BadRequestError("'options' must be a map of strings");
  return Object.fromEntries(Object.entries(v as object).map(([k, x]) => [k, String(x)]));
}

function seconds(v: unknown, field: string): number | undefined {
  if (v === undefined || v === '' || v === null) return undefined;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return v;
  if (typeof v === 'string') {
    const m = /^(\d+)(s|m|h|d)?$/.exec(v.trim());
    if (m) return Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[(m[2] ?? 's') as 's'];
    if (v === 'system') return 0;
  }
  throw new BadRequestError(`invalid ${field}: ${JSON.stringify(v)}`);
}

/** Deletes every key under a prefix (a disabled mount's data). */
async function wipePrefix(node: VaultNode, prefix: string): Promise<void> {
  for (const child of await node.barrier.list(prefix)) {
    if (child.endsWith('/')) await wipePrefix(node, prefix + child);
    else await node.barrier.delete(prefix + child);
  }
}

/** The mount-table handlers of the sys backend. */
export function mountHandlers(node: VaultNode): SysHandler[] {
  const list = (table: 'secret' | 'auth') => {
    const data: Record<string, unknown> = {};
    for (const m of node.mounts.all()) if (m.table === table) data[table === 'auth' ? m.path.slice('auth/'.length) : m.path] = mountInfo(m);
    return data;
  };
  return [
    {
      matches: (p) => p === 'mounts' || p === 'mounts/',
      handle: async (req) => {
        if (req.operation !== 'read') throw new UnsupportedOperationError();
        return { data: list('secret'), injectTopLevel: true };
      },
    },
    {
      matches: (p) => p === 'auth' || p === 'auth/',
      handle: async (req) => {
        if (req.operation !== 'read') throw new UnsupportedOperationError();
        return { data: list('auth'), injectTopLevel: true };
      },
    },
    { matches: (p) => /^mounts\/.+\/tune$/.test(p), handle: (req) => tune(node, req) },
    { matches: (p) => p.startsWith('mounts/'), handle: (req) => mountOne(node, req) },
    {
      matches: (p) => p === 'internal/ui/mounts' || p === 'internal/ui/mounts/',
      handle: async (req) => {
        // Without a token only mounts tuned listing_visibility=unauth show, reduced to type/description/options.
        const visible = (m: MountEntry) => req.caller !== undefined || m.config.listingVisibility === 'unauth';
        const reduce = (m: MountEntry) => (req.caller ? mountInfo(m) : { type: m.type, description: m.description, options: m.options });
        const secret: Record<string, unknown> = {};
        const auth: Record<string, unknown> = {};
        for (const m of node.mounts.all()) {
          if (!visible(m)) continue;
          if (m.table === 'auth') auth[m.path.slice('auth/'.length)] = reduce(m);
          else secret[m.path] = reduce(m);
        }
        return { data: { auth, secret } };
      },
    },
    {
      matches: (p) => p.startsWith('internal/ui/mounts/'),
      handle: async (req) => {
        const target = req.path.slice('internal/ui/mounts/'.length);
        const mount = node.mounts.match(target);
        if (!mount || !req.caller || mount.table !== 'secret') throw new PreflightDeniedError(target);
        return { data: { ...mountInfo(mount), path: mount.path } };
      },
    },
  ];
}

async function mountOne(node: VaultNode, req: EngineRequest) {
  const path = `${req.path.slice('mounts/'.length).replace(/\/+$/, '')}/`;
  if (req.operation === 'read') {
    const m = node.mounts.get(path);
    if (!m || m.table !== 'secret') throw new BadRequestError(`No secret engine mount at ${path}`);
    return { data: mountInfo(m), injectTopLevel: true };
  }
  if (req.operation === 'delete') {
    if (RESERVED.some((r) => path === r) || path.startsWith('auth/')) throw new BadRequestError(`cannot unmount "${path}"`);
    const gone = await node.mounts.remove(path);
    if (gone) await wipePrefix(node, `logical/${gone.uuid}/`);
    return undefined;
  }
  if (req.operation !== 'create' && req.operation !== 'update') throw new UnsupportedOperationError();
  const d = req.data;
  if (typeof d.type !== 'string' || !d.type) throw new BadRequestError('backend type must be specified');
  const [type, options] = resolveType(d.type, stringOptions(d.options));
  if (!ENGINE_TYPES.has(type)) throw new BadRequestError(`plugin not found in the catalog: ${d.type}`);
  if (type === 'kv' && !['1', '2'].includes(options?.version ?? '1')) throw new BadRequestError(`invalid KV version ${JSON.stringify(options?.version)}`);
  for (const r of RESERVED) if (path.startsWith(r)) throw new BadRequestError(`cannot mount under "${r}"`);
  if (path === '/' || path.split('/').some((s, i, a) => s === '' && i < a.length - 1)) throw new BadRequestError(`invalid mount path ${JSON.stringify(path)}`);
  const clash = node.mounts.all().find((m) => m.path.startsWith(path) || path.startsWith(m.path));
  if (clash) throw new BadRequestError(`path is already in use at ${clash.path}`);
  const cfg = (d.config ?? {}) as Record<string, unknown>;
  const entry = newMount(path, type, typeof d.description === 'string' ? d.description : '', {
    options: type === 'kv' ? options : null,
    local: d.local === true,
    sealWrap: d.seal_wrap === true,
    config: { defaultLeaseTtl: seconds(cfg.default_lease_ttl, 'default_lease_ttl') ?? 0, maxLeaseTtl: seconds(cfg.max_lease_ttl, 'max_lease_ttl') ?? 0, forceNoCache: cfg.force_no_cache === true, listingVisibility: typeof cfg.listing_visibility === 'string' ? cfg.listing_visibility : undefined },
  });
  await node.mounts.add(entry);
  return undefined;
}

const SYSTEM_DEFAULT_TTL = 2_764_800;

async function tune(node: VaultNode, req: EngineRequest) {
  const raw = req.path.slice('mounts/'.length, -'/tune'.length);
  const m = node.mounts.get(raw);
  if (!m) throw new BadRequestError(`cannot fetch sysview for path "${raw}/"`);
  if (req.operation === 'read') {
    return {
      data: {
        default_lease_ttl: m.config.defaultLeaseTtl || SYSTEM_DEFAULT_TTL,
        description: m.description,
        force_no_cache: m.config.forceNoCache,
        max_lease_ttl: m.config.maxLeaseTtl || SYSTEM_DEFAULT_TTL,
        options: m.options,
      },
    };
  }
  if (req.operation !== 'update' && req.operation !== 'create') throw new UnsupportedOperationError();
  const d = req.data;
  const dt = seconds(d.default_lease_ttl, 'default_lease_ttl');
  const mt = seconds(d.max_lease_ttl, 'max_lease_ttl');
  const opts = stringOptions(d.options);
  if (opts?.version && m.type === 'kv' && !['1', '2'].includes(opts.version)) throw new BadRequestError(`invalid KV version ${JSON.stringify(opts.version)}`);
  if (opts?.version === '1' && m.options?.version === '2') throw new BadRequestError('cannot downgrade mount from KV version 2 to version 1');
  if (dt !== undefined) m.config.defaultLeaseTtl = dt;
  if (mt !== undefined) m.config.maxLeaseTtl = mt;
  if (typeof d.description === 'string') m.description = d.description;
  if (opts && m.type === 'kv') m.options = { ...(m.options ?? {}), ...opts };
  await node.mounts.save();
  return undefined;
}
