/**
 * Vault's raw rekey and generate-root handlers (`http/sys_rekey.go`, `http/sys_generate_root.go`):
 * no token, since the caller proves authority with unseal shares, and bare JSON answers.
 * Only the active serves them; a standby forwards them, as Vault's handlers do (rekey with
 * respondStandby, generate-root through handleRequestForwarding). The lab refuses PGP keys.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { BadRequestError, type VaultNode } from '../../node/index.ts';
import { UNAUTHENTICATED_BODY_LIMIT } from '../body-allowance.ts';
import { requestBody } from '../body-parser.ts';
import { sendJson, sendNoContent } from '../reply.ts';
import type { StandbyHandler } from './sys-raw.ts';

type Body = Record<string, unknown> | undefined;
type Handler = (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

const GO_KIND: Record<string, string> = { string: 'string', number: 'number', boolean: 'bool', object: 'object' };

/** A field of a Go request struct: `fallback` when absent or null, Go's unmarshal error when of the wrong type. */
function field<T>(body: Body, struct: string, key: string, goType: 'int' | 'bool' | 'string', fallback: T, caseless = false): T {
  const hit = caseless && body ? Object.keys(body).find((k) => k.toLowerCase() === key.toLowerCase()) : key;
  const v = hit === undefined ? undefined : body?.[hit];
  if (v === undefined || v === null) return fallback;
  const ok = goType === 'int' ? typeof v === 'number' && Number.isInteger(v) : typeof v === (goType === 'bool' ? 'boolean' : 'string');
  if (ok) return v as T;
  const kind = Array.isArray(v) ? 'array' : (GO_KIND[typeof v] ?? typeof v);
  throw new BadRequestError(
    `failed to parse JSON input: json: cannot unmarshal ${kind} into Go struct field ${struct}.${key} of type ${goType}`,
  );
}

/** Registers rekey and generate-root. */
export function registerKeyRoutes(app: FastifyInstance, node: VaultNode, standby?: StandbyHandler): void {
  const route = (url: string, methods: string[], handler: Handler) =>
    app.route({
      method: methods as ['GET'],
      url,
      bodyLimit: UNAUTHENTICATED_BODY_LIMIT,
      handler: async (req, reply) => (node.state === 'standby' && standby ? standby.handle(req, reply) : handler(req, reply)),
    });
  const { rekey, generateRoot } = node.keys;

  route('/v1/sys/rekey/init', ['GET', 'PUT', 'POST', 'DELETE'], async (req, reply) => {
    if (req.method === 'GET') return sendJson(reply, 200, await rekey.status());
    if (req.method === 'DELETE') return (await rekey.cancel(), sendNoContent(reply));
    const body = await requestBody(req);
    const pgp = body?.pgp_keys;
    if (field(body, 'RekeyRequest', 'backup', 'bool', false) && !(Array.isArray(pgp) && pgp.length))
      throw new BadRequestError('cannot request a backup of the new keys without providing PGP keys for encryption');
    if (Array.isArray(pgp) && pgp.length) throw new BadRequestError('PGP-encrypted keys are not supported by vaultlab');
    const status = await rekey.init({
      secretShares: field(body, 'RekeyRequest', 'secret_shares', 'int', 0),
      secretThreshold: field(body, 'RekeyRequest', 'secret_threshold', 'int', 0),
      requireVerification: field(body, 'RekeyRequest', 'require_verification', 'bool', false),
    });
    return sendJson(reply, 200, status);
  });

  route('/v1/sys/rekey/update', ['PUT', 'POST'], async (req, reply) => {
    const body = await requestBody(req);
    const key = field(body, 'RekeyUpdateRequest', 'Key', 'string', '', true);
    const nonce = field(body, 'RekeyUpdateRequest', 'Nonce', 'string', '', true);
    if (!key) throw new BadRequestError("'key' must be specified in request body as JSON");
    return sendJson(reply, 200, await rekey.update(key, nonce));
  });

  route('/v1/sys/rekey/verify', ['GET', 'PUT', 'POST', 'DELETE'], async (req, reply) => {
    if (req.method === 'GET') return sendJson(reply, 200, await rekey.verifyStatus());
    if (req.method === 'DELETE') return sendJson(reply, 200, await rekey.verifyRestart());
    const body = await requestBody(req);
    const key = field(body, 'RekeyVerificationUpdateRequest', 'key', 'string', '');
    const nonce = field(body, 'RekeyVerificationUpdateRequest', 'nonce', 'string', '');
    if (!key) throw new BadRequestError("'key' must be specified in request body as JSON");
    return sendJson(reply, 200, await rekey.verify(key, nonce));
  });

  route('/v1/sys/generate-root/attempt', ['GET', 'PUT', 'POST', 'DELETE'], async (req, reply) => {
    if (req.method === 'GET') return sendJson(reply, 200, await generateRoot.status());
    if (req.method === 'DELETE') return (await generateRoot.cancel(), sendNoContent(reply));
    const body = await requestBody(req);
    const otp = field(body, 'GenerateRootInitRequest', 'otp', 'string', '');
    const pgpKey = field(body, 'GenerateRootInitRequest', 'pgp_key', 'string', '');
    return sendJson(reply, 200, await generateRoot.init({ otp, pgpKey }));
  });

  route('/v1/sys/generate-root/update', ['PUT', 'POST'], async (req, reply) => {
    const body = await requestBody(req);
    const key = field(body, 'GenerateRootUpdateRequest', 'Key', 'string', '', true);
    const nonce = field(body, 'GenerateRootUpdateRequest', 'Nonce', 'string', '', true);
    if (!key) throw new BadRequestError("'key' must be specified in request body as JSON");
    return sendJson(reply, 200, await generateRoot.update(key, nonce));
  });
}
