/**
 * The token auth backend at auth/token/: create (plain, orphan, by role), lookup,
 * renew and revoke in their self / by-token / by-accessor forms, accessors, roles.
 * Shapes as Vault returns them; the rules live in token/token-service.ts and token/token-roles.ts.
 */
import { BadRequestError, PermissionDeniedError, UnsupportedPathError, VaultError } from '../../errors.ts';
import { unsupportedOperation } from './kv/field-data.ts';
import type { LogicalResponse } from '../request.ts';
import { StorageKeys } from '../../../storage/index.ts';
import { lookupView, type TokenEntry } from '../token/token-entry.ts';
import { authInfo, createToken, renewToken, revokeOrphan, revokeTree, type TokenRole } from '../token/token-service.ts';
import { deleteRole, listRoles, readRole, writeRole } from '../token/token-roles.ts';
import type { SystemView } from '../system-view.ts';
import type { Engine, EngineRequest } from './engine.ts';
import { checkExistence, listing, noContent, routeRequest } from './path-table.ts';
import type { PathEntry, PathHandler, PathOperations, PathTable } from './path-table.ts';

/** 403 "bad token" for a lookup of a token that does not exist. */
class BadTokenError extends VaultError {
  constructor() {
    super('PERMISSION_DENIED', 'bad token');
  }
}

/** A token request: the token backend serves no path without a caller. */
type TokenRequest = EngineRequest & { caller: TokenEntry };

/** A token path: `name`, then optionally '/' and an argument (the token, accessor or role named in the URL). */
function withArg(name: string): RegExp {
  return new RegExp(`^${name}(?:/(?<arg>.*))?$`, 's');
}

/** Vault's refusal for a batch token on every revoke path (it expires, or dies with its parent). */
function revocable(e: TokenEntry): TokenEntry {
  if (e.type === 'batch') throw new BadRequestError('batch tokens cannot be revoked');
  return e;
}

const INSECURE_URL_TOKEN = 'Supplying a token in the URL is insecure; use the request body instead';

/** auth/token/* for one node. */
export class TokenEngine implements Engine {
  private readonly table: PathTable<TokenRequest>;

  constructor(private readonly sys: SystemView) {
    this.table = {
      paths: [...this.creationPaths(), ...this.lookupPaths(), ...this.renewPaths(), ...this.revokePaths(), ...this.rolePaths()],
      unsupported: () => unsupportedOperation(),
      unmatched: () => new UnsupportedPathError(),
    };
  }

  exists(req: EngineRequest): Promise<boolean | undefined> {
    // The one existence check (a named role's) reads no caller, so it runs before handle()'s caller check, as in Vault.
    return checkExistence(this.table, req as TokenRequest);
  }

  async handle(req: EngineRequest): Promise<LogicalResponse | undefined> {
    const caller = req.caller;
    if (!caller) throw new PermissionDeniedError();
    return routeRequest(this.table, { ...req, caller });
  }

  /** create, create/<role> and create-orphan (which names no role). */
  private creationPaths(): PathEntry<TokenRequest>[] {
    const create = async (req: TokenRequest, now: number, role: TokenRole | undefined, orphanPath: boolean): Promise<LogicalResponse> => {
      const creator = { entry: req.caller, privileged: await this.privileged(req.caller, req.path) };
      const { entry, warnings } = await createToken(this.sys, creator, req.data, { orphanPath, role, path: `auth/token/${req.path}` });
      return { data: null, auth: authInfo(entry, now), warnings };
    };
    const byRole: PathHandler<TokenRequest> = async (req, { arg }) => {
      const now = this.sys.clock.now();
      const role = await readRole(this.sys.storage, arg);
      if (arg && !role) throw new BadRequestError(`unknown role ${arg}`);
      return create(req, now, role, false);
    };
    return [
      { pattern: withArg('create'), operations: { update: byRole } },
      { pattern: /^create-orphan\/?$/, operations: { update: (req) => create(req, this.sys.clock.now(), undefined, true) } },
    ];
  }

  /** lookup-self, lookup[/<token>], lookup-accessor[/<accessor>]. */
  private lookupPaths(): PathEntry<TokenRequest>[] {
    const self: PathHandler<TokenRequest> = async (req) => ({ data: lookupView(req.caller, this.sys.clock.now()) });
    const lookup: PathHandler<TokenRequest> = async (req, { arg }) => {
      const now = this.sys.clock.now();
      const id = arg || String(req.data.token ?? '');
      if (!id) throw new BadRequestError('missing token ID');
      const e = await this.sys.tokens.lookup(id);
      if (!e) throw new BadTokenError();
      return { data: lookupView(e, now), warnings: arg ? [INSECURE_URL_TOKEN] : undefined };
    };
    const byAccessor: PathHandler<TokenRequest> = async (req, { arg }) => {
      const now = this.sys.clock.now();
      return { data: lookupView(await this.byAccessor(arg || req.data.accessor), now, { hideId: true }) };
    };
    return [
      { pattern: withArg('lookup-self'), operations: { read: self, update: self } },
      { pattern: withArg('lookup'), operations: { read: lookup, update: lookup } },
      { pattern: withArg('lookup-accessor'), operations: { update: byAccessor } },
    ];
  }

  /** renew-self, renew[/<token>], renew-accessor[/<accessor>]: the new lease in an `auth` block. */
  private renewPaths(): PathEntry<TokenRequest>[] {
    const renew = (find: (req: TokenRequest, arg: string) => Promise<TokenEntry>, hideToken = false): PathHandler<TokenRequest> => {
      return async (req, { arg }) => {
        const now = this.sys.clock.now();
        const renewed = await renewToken(this.sys, await find(req, arg), req.data.increment);
        return { auth: authInfo(renewed, now, { hideToken }) };
      };
    };
    return [
      { pattern: withArg('renew-self'), operations: { update: renew(async (req) => req.caller) } },
      { pattern: withArg('renew'), operations: { update: renew((req, arg) => this.mustFind(arg || req.data.token, 'token not found')) } },
      { pattern: withArg('renew-accessor'), operations: { update: renew((req, arg) => this.byAccessor(arg || req.data.accessor), true) } },
    ];
  }

  /** revoke-self, revoke[/<token>], revoke-accessor[/<accessor>], revoke-orphan[/<token>]: 204 whatever was revoked. */
  private revokePaths(): PathEntry<TokenRequest>[] {
    const self = noContent<TokenRequest>((req) => revokeTree(this.sys, revocable(req.caller)));
    const byToken = noContent<TokenRequest>(async (req, { arg }) => {
      const e = await this.sys.tokens.lookup(String(arg || req.data.token || ''));
      if (e) await revokeTree(this.sys, revocable(e));
    });
    const byAccessor = noContent<TokenRequest>(async (req, { arg }) =>
      revokeTree(this.sys, await this.byAccessor(arg || req.data.accessor)),
    );
    const orphaning = noContent<TokenRequest>(async (req, { arg }) =>
      revokeOrphan(this.sys, revocable(await this.mustFind(arg || req.data.token, 'token to revoke not found'))),
    );
    return [
      { pattern: withArg('revoke-self'), operations: { update: self } },
      { pattern: withArg('revoke'), operations: { update: byToken } },
      { pattern: withArg('revoke-accessor'), operations: { update: byAccessor } },
      { pattern: withArg('revoke-orphan'), operations: { update: orphaning } },
    ];
  }

  /** accessors/ and roles[/<name>]; only a named role has an existence check. */
  private rolePaths(): PathEntry<TokenRequest>[] {
    const storage = this.sys.storage;
    const operations: PathOperations<TokenRequest> = {
      list: async () => listing(await listRoles(storage)),
      read: async (_req, { arg }) => {
        const r = await readRole(storage, arg);
        return r ? { data: { ...r } } : undefined;
      },
      update: noContent((req, { arg }) => writeRole(storage, arg, req.data)),
      delete: noContent((_req, { arg }) => deleteRole(storage, arg)),
    };
    return [
      { pattern: withArg('accessors'), operations: { list: () => this.accessors() } },
      // The bare path names the role '', which exists nowhere (an empty `arg` group says so).
      { pattern: /^roles(?<arg>)$/, operations },
      { pattern: /^roles\/(?<arg>.*)$/s, operations, exists: async (_req, { arg }) => (await readRole(storage, arg)) !== undefined },
    ];
  }

  private async privileged(caller: TokenEntry, path: string): Promise<boolean> {
    if (caller.policies.includes('root')) return true;
    return (await this.sys.policies.aclFor(caller.policies)).evaluate('update', `auth/token/${path}`).sudo;
  }

  private async mustFind(id: unknown, message: string): Promise<TokenEntry> {
    const e = typeof id === 'string' && id ? await this.sys.tokens.lookup(id) : undefined;
    if (!e) throw new BadRequestError(message);
    return e;
  }

  private async byAccessor(accessor: unknown): Promise<TokenEntry> {
    if (typeof accessor !== 'string' || !accessor) throw new BadRequestError('missing accessor');
    const id = await this.sys.tokens.idForAccessor(accessor);
    const e = id ? await this.sys.tokens.lookup(id) : undefined;
    if (!e) throw new BadRequestError('invalid accessor');
    return e;
  }

  private async accessors(): Promise<LogicalResponse | undefined> {
    const keys: string[] = [];
    for (const h of await this.sys.storage.list(StorageKeys.tokenAccessorPrefix)) {
      const raw = await this.sys.storage.get(StorageKeys.tokenAccessorPrefix + h);
      const e = raw ? await this.sys.tokens.lookup(new TextDecoder().decode(raw)) : undefined;
      if (e) keys.push(e.accessor);
    }
    return listing(keys.sort());
  }
}
