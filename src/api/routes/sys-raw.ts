/**
 * Vault's raw sys handlers: init, seal-status, unseal, seal, step-down, health, leader.
 * They answer bare JSON objects (no envelope), mostly without a token, and are never
 * forwarded to the active node (except step-down and seal, which act on the active).
 * None takes more than a few hundred bytes of body, so none accepts more than the
 * unauthenticated limit: a sealed cluster's answers cost nothing to ask for.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { BadRequestError, DEFAULT_HEALTH_CODES, type VaultNode } from '../../node/index.ts';
import { UNAUTHENTICATED_BODY_LIMIT } from '../body-allowance.ts';
import { requestBody } from '../body-parser.ts';
import { sendErrors, sendJson, sendNoContent } from '../reply.ts';
import { parseGoBool, requestToken } from '../translate.ts';

/** Hooks the HA layer provides: what a standby does with a request meant for the active. */
export interface StandbyHandler {
  /** Forwards (or redirects) the request to the active; resolves once the reply is sent. */
  handle(req: FastifyRequest, reply: FastifyReply): Promise<unknown>;
}

/** Options of the raw routes. */
export interface RawRouteOptions {
  stepDownBackoffMs: number;
  standby?: StandbyHandler;
}

type Body = Record<string, unknown> | undefined;

function intField(body: Body, key: string, fallback = 0): number {
  const v = body?.[key];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    const kind = Array.isArray(v) ? 'array' : typeof v;
    throw new BadRequestError(
      `failed to parse JSON input: json: cannot unmarshal ${kind} into Go struct field InitRequest.${key} of type int`,
    );
  }
  return v;
}

/** Go's case-insensitive struct matching, as in sys/unseal's untagged struct. */
function caseless(body: Body, key: string): unknown {
  if (!body) return undefined;
  const hit = Object.keys(body).find((k) => k.toLowerCase() === key);
  return hit === undefined ? undefined : body[hit];
}

/** Registers the raw sys routes. */
export function registerRawRoutes(app: FastifyInstance, node: VaultNode, opts: RawRouteOptions): void {
  // Another node may have initialized the shared storage: every status read checks first.
  app.addHook('onRequest', async (req) => {
    if (node.state === 'uninitialized' && req.url.startsWith('/v1/sys/')) await node.refreshInitialized();
  });
  app.get('/v1/sys/init', async (_req, reply) => sendJson(reply, 200, { initialized: node.initialized }));
  writeRoute(app, '/v1/sys/init', (req, reply) => init(node, req, reply));
  app.get('/v1/sys/seal-status', async (_req, reply) => sendJson(reply, 200, node.sealStatus()));
  writeRoute(app, '/v1/sys/unseal', (req, reply) => unseal(node, req, reply));
  // Vault answers 405 to a GET of its write-only raw endpoints.
  for (const url of ['/v1/sys/unseal', '/v1/sys/seal', '/v1/sys/step-down']) {
    app.get(url, async (_req, reply) => sendErrors(reply, 405, ['unsupported operation']));
  }
  app.route({ method: ['HEAD', 'GET'], url: '/v1/sys/health', handler: async (req, reply) => health(node, req, reply) });
  app.get('/v1/sys/leader', async (_req, reply) => sendJson(reply, 200, node.leader()));
  writeRoute(app, '/v1/sys/seal', async (req, reply) => {
    // Not forwarded: Vault refuses to seal a standby ("please restart instead").
    await requireRoot(node, req);
    node.seal();
    return sendNoContent(reply);
  });
  writeRoute(app, '/v1/sys/step-down', async (req, reply) => {
    if (node.state === 'standby' && opts.standby) return opts.standby.handle(req, reply);
    await requireRoot(node, req);
    node.stepDown(opts.stepDownBackoffMs);
    return sendNoContent(reply);
  });
}

/** A PUT/POST raw route; none takes more than the unauthenticated body limit. */
function writeRoute(app: FastifyInstance, url: string, handler: (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>): void {
  app.route({ method: ['PUT', 'POST'], bodyLimit: UNAUTHENTICATED_BODY_LIMIT, url, handler });
}

/** sys/init: Shamir shares only (no recovery shares, no PGP-encrypted keys). */
async function init(node: VaultNode, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const body = await requestBody(req);
  for (const k of ['recovery_shares', 'recovery_threshold']) {
    if (intField(body, k) !== 0) throw new BadRequestError('parameters specific to auto unseal seals present');
  }
  if (Array.isArray(body?.pgp_keys) && body.pgp_keys.length) throw new BadRequestError('PGP-encrypted keys are not supported by vaultlab');
  const res = await node.init({ secretShares: intField(body, 'secret_shares'), secretThreshold: intField(body, 'secret_threshold') });
  return sendJson(reply, 200, { keys: res.keys, keys_base64: res.keysBase64, root_token: res.rootToken });
}

/** sys/unseal: one key share, or a reset of the shares given so far. */
async function unseal(node: VaultNode, req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
  const body = await requestBody(req);
  const key = caseless(body, 'key');
  const reset = caseless(body, 'reset');
  if (key !== undefined && typeof key !== 'string') throw new BadRequestError("'key' must be a valid hex or base64 string");
  const res = await node.unseal({ key: key as string | undefined, reset: reset === true });
  return sendJson(reply, 200, res.warnings ? { ...res.status, warnings: res.warnings } : res.status);
}

/** seal and step-down need root or sudo (Vault's RootPrivsRequired), and spend a use like any request. */
async function requireRoot(node: VaultNode, req: FastifyRequest): Promise<void> {
  if (node.state !== 'active') return; // the node's own call reports sealed / standby
  await node.authorizeRootPath(requestToken(req), req.url.slice('/v1/'.length).split('?')[0], req.ip);
}

const HEALTH_CODES = {
  activecode: DEFAULT_HEALTH_CODES.activeCode,
  standbycode: DEFAULT_HEALTH_CODES.standbyCode,
  sealedcode: DEFAULT_HEALTH_CODES.sealedCode,
  uninitcode: DEFAULT_HEALTH_CODES.uninitCode,
  drsecondarycode: 472,
  performancestandbycode: 473,
};

/** sys/health with every query override; HEAD sends the status only. */
function health(node: VaultNode, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  const q = req.query as Record<string, string | undefined>;
  const codes: Record<string, number> = { ...HEALTH_CODES };
  for (const name of Object.keys(HEALTH_CODES)) {
    const v = q[name];
    if (v === undefined) continue;
    const n = Number(v);
    if (!/^\d+$/.test(v) || n < 100 || n > 999) return sendErrors(reply, 400, [`bad code for ${name} parameter`]);
    codes[name] = n;
  }
  let standbyOk = false;
  if (q.standbyok !== undefined) {
    const parsed = q.standbyok === '' ? true : parseGoBool(q.standbyok);
    if (parsed === undefined) return sendErrors(reply, 400, ['bad value for standbyok parameter']);
    standbyOk = parsed;
  }
  const res = node.health({
    standbyOk,
    activeCode: codes.activecode,
    standbyCode: codes.standbycode,
    sealedCode: codes.sealedcode,
    uninitCode: codes.uninitcode,
  });
  if (req.method === 'HEAD') {
    return reply.code(res.status).header('content-type', 'application/json').header('cache-control', 'no-store').send();
  }
  return sendJson(reply, res.status, res.body);
}
