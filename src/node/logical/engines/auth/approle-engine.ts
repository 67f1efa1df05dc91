/**
 * The AppRole auth method (builtin/credential/approle): roles with token settings and
 * secret-ID constraints, their role IDs, their secret IDs (generate, custom, list by accessor,
 * lookup, destroy), and login. Role names are lower-cased, as Vault does for new roles.
 */
import { uuid } from '../../../../crypto/index.ts';
import { BadRequestError, InternalError, UnsupportedPathError } from '../../../errors.ts';
import { KeyLocks } from '../../key-locks.ts';
import { effectiveTtls } from '../../mounts.ts';
import type { LogicalResponse } from '../../request.ts';
import type { SystemView } from '../../system-view.ts';
import { authInfo } from '../../token/token-service.ts';
import { getJson, type Engine, type EngineRequest } from '../engine.ts';
import { fieldData, unsupportedOperation } from '../kv/field-data.ts';
import { checkExistence, listing, noContent, routeRequest, type PathEntry, type PathHandler, type PathTable } from '../path-table.ts';
import { approleLogin } from './approle-login.ts';
import { createSecretId, liveSecretId, roleForSecretId, secretIdView } from './approle-secret-ids.ts';
import { deleteRole, deleteSecretId, listAccessors, roleIdTaken, roleKey, saveRole, type RoleEntry } from './approle-store.ts';
import { parseCidrBlocks } from './cidr.ts';
import { emptyTokenParams, legacyData, parseTokenFields, tokenData, upgradeLegacy } from './token-fields.ts';

/** framework.GenericNameRegex("role_name"). */
const NAME = String.raw`(?<name>\w(?:[\w.-]*\w)?)`;
/** Vault's maxHmacInputLength. */
const MAX_NAME = 4096;

const ROLE_SCHEMA = {
  role_id: 'string',
  bind_secret_id: 'bool',
  secret_id_bound_cidrs: 'commaStringSlice',
  bound_cidr_list: 'commaStringSlice',
  secret_id_num_uses: 'int',
  secret_id_ttl: 'durationSecond',
  local_secret_ids: 'bool',
} as const;

/** The role read (pathRoleRead): its fields, the token_* fields, and deprecated ones still set. */
function roleView(r: RoleEntry): Record<string, unknown> {
  return {
    bind_secret_id: r.bindSecretId,
    local_secret_ids: false,
    secret_id_bound_cidrs: r.secretIdBoundCidrs,
    secret_id_num_uses: r.secretIdNumUses,
    secret_id_ttl: r.secretIdTtl,
    ...tokenData(r),
    ...legacyData(r, r.legacy),
  };
}

/** validateRoleConstraints: a role must bind a secret ID or some CIDRs. */
function constrained(r: RoleEntry): boolean {
  return r.bindSecretId || !!r.secretIdBoundCidrs?.length || r.tokenBoundCidrs.length > 0;
}

/** approle for one node (its data is each mount's). */
export class AppRoleEngine implements Engine {
  readonly unauthenticated = [/^login$/];
  private readonly table: PathTable;
  private readonly locks = new KeyLocks();

  constructor(private readonly sys: SystemView) {
    this.table = { paths: this.paths(), unsupported: () => unsupportedOperation(), unmatched: () => new UnsupportedPathError() };
  }

  exists(req: EngineRequest): Promise<boolean | undefined> {
    return checkExistence(this.table, req);
  }

  handle(req: EngineRequest): Promise<LogicalResponse | undefined> {
    return routeRequest(this.table, req);
  }

  /** Makes a secret ID for the named role: a random one, or the one the body gives (custom-secret-id). */
  private newSecretId(custom: boolean): PathHandler {
    return async (req, { name }) =>
      createSecretId(
        req.storage,
        await roleForSecretId(req.storage, name),
        req.data,
        this.sys.clock.now(),
        custom,
        effectiveTtls(req.mount).maxTtl,
      );
  }

  private paths(): PathEntry[] {
    const role = (suffix: string) => new RegExp(`^role/${NAME}${suffix}$`);
    return [
      { pattern: /^login$/, operations: { update: (req) => this.login(req) } },
      { pattern: /^role\/?$/, operations: { list: async (req) => listing(await req.storage.list('role/')) } },
      {
        pattern: role(''),
        exists: async (req, { name }) => (await getJson(req.storage, roleKey(name))) !== undefined,
        operations: {
          read: async (req, { name }) => {
            const r = await getJson<RoleEntry>(req.storage, roleKey(name));
            return r ? { data: roleView(r) } : undefined;
          },
          create: (req, { name }) => this.writeRole(req, name, true),
          update: (req, { name }) => this.writeRole(req, name, false),
          delete: noContent(async (req, { name }) => {
            const r = await getJson<RoleEntry>(req.storage, roleKey(name));
            if (r) await deleteRole(req.storage, r);
          }),
        },
      },
      {
        pattern: role('/role-id'),
        operations: {
          read: async (req, { name }) => {
            const r = await getJson<RoleEntry>(req.storage, roleKey(name));
            return r ? { data: { role_id: r.roleId } } : undefined;
          },
          update: noContent((req, { name }) => this.setRoleId(req, name)),
        },
      },
      {
        pattern: role('/secret-id/?'),
        operations: {
          update: this.newSecretId(false),
          list: async (req, { name }) => {
            const r = await getJson<RoleEntry>(req.storage, roleKey(name));
            return r ? listing(await listAccessors(req.storage, r)) : undefined;
          },
        },
      },
      {
        pattern: role('/custom-secret-id'),
        operations: {
          update: this.newSecretId(true),
        },
      },
      { pattern: role('/secret-id/lookup'), operations: { update: (req, { name }) => this.lookupSecretId(req, name) } },
      {
        pattern: role('/secret-id/destroy'),
        operations: {
          update: noContent((req, p) => this.destroySecretId(req, p.name)),
          delete: noContent((req, p) => this.destroySecretId(req, p.name)),
        },
      },
    ];
  }

  /** role/:name (pathRoleCreateUpdate): all checks first, then the role and its role_id index in one go. */
  private async writeRole(req: EngineRequest, name: string, creating: boolean): Promise<LogicalResponse | undefined> {
    if (name.length > MAX_NAME) throw new BadRequestError(`role_name is longer than maximum of ${MAX_NAME} bytes`);
    const existing = await getJson<RoleEntry>(req.storage, roleKey(name));
    if (!existing && !creating) throw new BadRequestError(`role name ${JSON.stringify(name)} doesn't exist`);
    const warnings: string[] = [];
    const data = { ...req.data };
    if (data.token_type === 'default-service') {
      data.token_type = 'service';
      warnings.push('default-service has no useful meaning; adjusting to service');
    }
    const base: RoleEntry = existing ?? {
      ...emptyTokenParams(),
      name: name.toLowerCase(),
      roleId: '',
      hmacKey: uuid(),
      bindSecretId: true,
      secretIdBoundCidrs: null,
      secretIdNumUses: 0,
      secretIdTtl: 0,
      legacy: {},
    };
    const role: RoleEntry = { ...base, ...parseTokenFields(base, data), legacy: { ...base.legacy } };
    const f = fieldData(data, ROLE_SCHEMA);
    if (f.local_secret_ids !== undefined && !creating)
      throw new BadRequestError('local_secret_ids can only be modified during role creation');
    if (f.local_secret_ids) throw new BadRequestError('vaultlab: local_secret_ids is not supported (no performance replication)');
    role.roleId = f.role_id ?? (creating ? uuid() : role.roleId);
    if (!role.roleId) throw new BadRequestError('invalid role_id supplied, or failed to generate a role_id');
    if (f.bind_secret_id !== undefined) role.bindSecretId = f.bind_secret_id;
    const cidrs = f.secret_id_bound_cidrs ?? f.bound_cidr_list;
    if (cidrs !== undefined) role.secretIdBoundCidrs = parseCidrBlocks(cidrs);
    if (f.secret_id_num_uses !== undefined) role.secretIdNumUses = f.secret_id_num_uses;
    if (role.secretIdNumUses < 0) throw new BadRequestError('secret_id_num_uses cannot be negative');
    if (f.secret_id_ttl !== undefined) role.secretIdTtl = f.secret_id_ttl;
    upgradeLegacy(data, ['policies', 'period'], role, role.legacy);
    // setRoleEntry's checks come back as plain errors, which Vault answers with a 500.
    if (!constrained(role)) throw new InternalError('at least one constraint should be enabled on the role');
    if (role.roleId !== base.roleId && (await roleIdTaken(req.storage, role.roleId))) throw new InternalError('role_id already in use');
    await saveRole(req.storage, role, base.roleId);
    return warnings.length ? { data: null, warnings } : undefined;
  }

  /** role/:name/role-id (POST): a custom role_id. */
  private async setRoleId(req: EngineRequest, name: string): Promise<void> {
    const r = await getJson<RoleEntry>(req.storage, roleKey(name));
    if (!r) throw new UnsupportedPathError();
    const roleId = (fieldData(req.data, { role_id: 'string' }).role_id ?? '').trim();
    if (!roleId) throw new BadRequestError('missing role_id');
    if (roleId !== r.roleId && (await roleIdTaken(req.storage, roleId))) throw new InternalError('role_id already in use');
    await saveRole(req.storage, { ...r, roleId }, r.roleId);
  }

  private async secretIdOf(req: EngineRequest, name: string): Promise<[RoleEntry, string]> {
    const secretId = fieldData(req.data, { secret_id: 'string' }).secret_id ?? '';
    if (!secretId) throw new BadRequestError('missing secret_id');
    const r = await getJson<RoleEntry>(req.storage, roleKey(name));
    // A plain error in Vault (a 500).
    if (!r) throw new InternalError(`role ${JSON.stringify(name)} does not exist`);
    return [r, secretId];
  }

  /** role/:name/secret-id/lookup: the entry's properties; nothing (204) for an unknown secret ID. */
  private async lookupSecretId(req: EngineRequest, name: string): Promise<LogicalResponse | undefined> {
    const [r, secretId] = await this.secretIdOf(req, name);
    const e = await liveSecretId(req.storage, r, secretId, this.sys.clock.now());
    return e ? { data: secretIdView(e) } : undefined;
  }

  /** role/:name/secret-id/destroy: 204 whether or not it existed. */
  private async destroySecretId(req: EngineRequest, name: string): Promise<void> {
    const [r, secretId] = await this.secretIdOf(req, name);
    const e = await liveSecretId(req.storage, r, secretId, this.sys.clock.now());
    if (e) await deleteSecretId(req.storage, r, secretId, e);
  }

  private async login(req: EngineRequest): Promise<LogicalResponse> {
    const ctx = { sys: this.sys, storage: req.storage, mount: req.mount, remoteAddress: req.remoteAddress, locks: this.locks };
    const entry = await approleLogin(ctx, req.data);
    return { data: null, auth: authInfo(entry, this.sys.clock.now()) };
  }
}
