/**
 * The userpass auth method (builtin/credential/userpass): users with a password and token
 * settings, and login/<username>, which trades the password for a token. Usernames are
 * lower-cased; storage holds users under user/<name> with only a hash of the password.
 */
import { BadRequestError, InternalError, PermissionDeniedError, UnsupportedPathError } from '../../../errors.ts';
import type { LogicalResponse } from '../../request.ts';
import type { SystemView } from '../../system-view.ts';
import { issueLoginToken, sanitizePolicies } from '../../token/login-token.ts';
import { authInfo } from '../../token/token-service.ts';
import { getJson, putJson, type Engine, type EngineRequest } from '../engine.ts';
import { decodeString, fieldData, unsupportedOperation } from '../kv/field-data.ts';
import { checkExistence, listing, noContent, routeRequest, type PathEntry, type PathTable } from '../path-table.ts';
import { addressAllowed } from './cidr.ts';
import { checkPassword, hashPassword, passwordFits, type PasswordHash } from './password-hash.ts';
import { emptyTokenParams, legacyData, parseTokenFields, tokenData, upgradeLegacy, type Legacy, type TokenParams } from './token-fields.ts';

/** A user as stored. */
interface UserEntry extends TokenParams {
  passwordHash?: PasswordHash;
  legacy: Legacy;
}

/** framework.GenericNameRegex. */
const NAME = String.raw`(?<name>\w(?:[\w.-]*\w)?)`;

const key = (name: string) => `user/${name.toLowerCase()}`;

/** The password of a write, checked and hashed; undefined when the body names none. */
async function newPassword(data: Record<string, unknown>): Promise<PasswordHash | undefined> {
  if (data.password === undefined) return undefined;
  const password = fieldData(data, { password: 'string' }).password ?? '';
  if (!password) throw new BadRequestError('missing password');
  // Vault's bcrypt refuses this while hashing, and the handler passes that on as an internal error.
  if (!passwordFits(password)) throw new InternalError('bcrypt: password length exceeds 72 bytes');
  return hashPassword(password);
}

/** userpass for one node (one instance serves every userpass mount: the data is the mount's). */
export class UserpassEngine implements Engine {
  readonly unauthenticated = [/^login\/.*$/s];
  private readonly table: PathTable;

  constructor(private readonly sys: SystemView) {
    this.table = { paths: this.paths(), unsupported: () => unsupportedOperation(), unmatched: () => new UnsupportedPathError() };
  }

  exists(req: EngineRequest): Promise<boolean | undefined> {
    return checkExistence(this.table, req);
  }

  handle(req: EngineRequest): Promise<LogicalResponse | undefined> {
    return routeRequest(this.table, req);
  }

  private paths(): PathEntry[] {
    return [
      { pattern: /^users\/?$/, operations: { list: async (req) => listing(await req.storage.list('user/')) } },
      {
        pattern: new RegExp(`^users/${NAME}$`),
        exists: async (req, { name }) => (await getJson(req.storage, key(name))) !== undefined,
        operations: {
          read: async (req, { name }) => {
            const u = await getJson<UserEntry>(req.storage, key(name));
            return u ? { data: { ...tokenData(u), ...legacyData(u, u.legacy) } } : undefined;
          },
          create: (req, p) => this.write(req, p.name, true),
          update: (req, p) => this.write(req, p.name, false),
          delete: noContent((req, { name }) => req.storage.delete(key(name))),
        },
      },
      { pattern: new RegExp(`^users/${NAME}/password$`), operations: { update: noContent((req, p) => this.setPassword(req, p.name)) } },
      { pattern: new RegExp(`^users/${NAME}/policies$`), operations: { update: noContent((req, p) => this.setPolicies(req, p.name)) } },
      { pattern: new RegExp(`^login/${NAME}$`), operations: { update: (req, p) => this.login(req, p.name) } },
    ];
  }

  /** users/:name (pathUserWrite): a create needs a password; everything is checked before the one write. */
  private async write(req: EngineRequest, name: string, creating: boolean): Promise<undefined> {
    const password = decodeString(req.data.password);
    if (creating && !password) throw new BadRequestError('missing password');
    const current = (await getJson<UserEntry>(req.storage, key(name))) ?? { ...emptyTokenParams(), legacy: {} };
    const next: UserEntry = { ...current, ...parseTokenFields(current, req.data), legacy: { ...current.legacy } };
    const hash = await newPassword(req.data);
    if (hash) next.passwordHash = hash;
    upgradeLegacy(req.data, ['policies', 'ttl', 'max_ttl', 'bound_cidrs'], next, next.legacy);
    await putJson(req.storage, key(name), next);
    return undefined;
  }

  private async mustGet(req: EngineRequest, name: string): Promise<UserEntry> {
    const u = await getJson<UserEntry>(req.storage, key(name));
    // Vault returns this as a plain error, which the router answers with a 500.
    if (!u) throw new InternalError('username does not exist');
    return u;
  }

  /** users/:name/password. */
  private async setPassword(req: EngineRequest, name: string): Promise<void> {
    const u = await this.mustGet(req, name);
    const hash = await newPassword({ password: req.data.password ?? '' });
    await putJson(req.storage, key(name), { ...u, passwordHash: hash });
  }

  /** users/:name/policies: token_policies wins over the deprecated policies. */
  private async setPolicies(req: EngineRequest, name: string): Promise<void> {
    const u = await this.mustGet(req, name);
    const f = fieldData(req.data, { token_policies: 'commaStringSlice', policies: 'commaStringSlice' });
    const given = f.token_policies ?? f.policies;
    if (!given) throw new BadRequestError('token_policies must be provided');
    const policies = sanitizePolicies(given, false);
    const legacy = { ...u.legacy };
    if (f.policies !== undefined) legacy.policies = policies;
    else delete legacy.policies;
    await putJson(req.storage, key(name), { ...u, tokenPolicies: policies, legacy });
  }

  /** login/:name: the password for a token; one answer for an unknown user and a wrong password. */
  private async login(req: EngineRequest, rawName: string): Promise<LogicalResponse> {
    const name = rawName.toLowerCase();
    const password = fieldData(req.data, { password: 'string' }).password ?? '';
    // A plain error in Vault's handler, so a 500.
    if (!password) throw new InternalError('missing password');
    const user = await getJson<UserEntry>(req.storage, key(name));
    const ok = passwordFits(password) && (await checkPassword(password, user?.passwordHash));
    if (!ok || !user) throw new BadRequestError('invalid username or password');
    if (user.tokenBoundCidrs.length && !addressAllowed(req.remoteAddress, user.tokenBoundCidrs)) throw new PermissionDeniedError();
    const entry = await issueLoginToken(this.sys, req.mount, `${req.mount.path}login/${name}`, {
      policies: user.tokenPolicies,
      noDefaultPolicy: user.tokenNoDefaultPolicy,
      ttl: user.tokenTtl,
      maxTtl: user.tokenMaxTtl,
      explicitMaxTtl: user.tokenExplicitMaxTtl,
      period: user.tokenPeriod,
      numUses: user.tokenNumUses,
      boundCidrs: user.tokenBoundCidrs,
      metadata: { username: name },
      displayName: name,
    });
    return { data: null, auth: authInfo(entry, this.sys.clock.now()) };
  }
}
