/**
 * sys/policy and sys/policies/acl (list, read, write, delete) and the capability
 * queries sys/capabilities, sys/capabilities-self, sys/capabilities-accessor.
 */
import { BadRequestError, PermissionDeniedError, UnsupportedOperationError } from '../../../errors.ts';
import { normalizePolicyName, PolicyParseError } from '../../policy/index.ts';
import type { LogicalResponse } from '../../request.ts';
import type { SystemView } from '../../system-view.ts';
import type { EngineRequest } from '../engine.ts';
import type { SysHandler } from './sys-engine.ts';

/** Policies Vault keeps out of listings. */
const HIDDEN = new Set(['response-wrapping', 'control-group']);

async function listNames(sys: SystemView): Promise<string[]> {
  return [...(await sys.policies.list()).filter((n) => !HIDDEN.has(n)), 'root'];
}

async function onePolicy(sys: SystemView, req: EngineRequest, rawName: string, legacy: boolean): Promise<LogicalResponse | undefined> {
  const name = normalizePolicyName(rawName);
  const warnings: string[] = [];
  if (name !== rawName) warnings.push(`policy name was converted to ${name}`);
  const textKey = legacy ? 'rules' : 'policy';
  switch (req.operation) {
    case 'read': {
      if (name === 'root') return { data: { name, [textKey]: '' }, injectTopLevel: legacy };
      const text = await sys.policies.read(name);
      return text === undefined ? undefined : { data: { name, [textKey]: text }, injectTopLevel: legacy };
    }
    case 'create':
    case 'update': {
      let text = req.data.policy;
      if (text === undefined && req.data.rules !== undefined) {
        text = req.data.rules;
        warnings.push("'rules' is deprecated, please use 'policy' instead");
      }
      if (typeof text !== 'string' || !text.trim()) throw new BadRequestError("'policy' parameter not supplied or empty");
      if (name === 'root' || name === 'response-wrapping') throw new BadRequestError(`cannot update "${name}" policy`);
      if (!name) throw new BadRequestError('policy name must be specified');
      try {
        await sys.policies.write(name, text);
      } catch (err) {
        if (err instanceof PolicyParseError) throw new BadRequestError(`failed to parse policy: ${err.message}`);
        throw err;
      }
      return warnings.length ? { data: null, warnings } : undefined;
    }
    case 'delete':
      if (name === 'root') throw new BadRequestError('cannot delete "root" policy');
      if (name === 'default') throw new BadRequestError('cannot delete default policy');
      await sys.policies.delete(name);
      return undefined;
    default:
      throw new UnsupportedOperationError();
  }
}

function pathsOf(d: Record<string, unknown>): string[] {
  const raw = d.paths ?? d.path;
  const list = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',') : [];
  const paths = list.map((p) => String(p).trim().replace(/^\/+/, '')).filter(Boolean);
  if (!paths.length) throw new BadRequestError("'paths' must be specified");
  return paths;
}

async function capabilities(sys: SystemView, policies: string[], paths: string[]): Promise<LogicalResponse> {
  const acl = await sys.policies.aclFor(policies);
  const data: Record<string, unknown> = {};
  const union = new Set<string>();
  for (const p of paths) {
    const caps = acl.capabilities(p);
    data[p] = caps;
    caps.forEach((c) => union.add(c));
  }
  data.capabilities = [...union].sort();
  return { data, injectTopLevel: true };
}

/** The policy and capability handlers. */
export function policyHandlers(sys: SystemView): SysHandler[] {
  const writeOnly = (req: EngineRequest) => {
    if (req.operation !== 'update' && req.operation !== 'create') throw new UnsupportedOperationError();
  };
  return [
    {
      matches: (p) => p === 'policy' || p === 'policy/',
      handle: async (req) => {
        if (req.operation !== 'read' && req.operation !== 'list') throw new UnsupportedOperationError();
        const names = await listNames(sys);
        return { data: { keys: names, policies: names }, injectTopLevel: true };
      },
    },
    { matches: (p) => p.startsWith('policy/'), handle: (req) => onePolicy(sys, req, req.path.slice('policy/'.length), true) },
    {
      matches: (p) => p === 'policies/acl' || p === 'policies/acl/',
      handle: async (req) => {
        if (req.operation !== 'list') throw new UnsupportedOperationError();
        return { data: { keys: await listNames(sys) } };
      },
    },
    { matches: (p) => p.startsWith('policies/acl/'), handle: (req) => onePolicy(sys, req, req.path.slice('policies/acl/'.length), false) },
    {
      matches: (p) => p === 'capabilities-self',
      handle: async (req) => (writeOnly(req), capabilities(sys, req.caller?.policies ?? [], pathsOf(req.data))),
    },
    {
      matches: (p) => p === 'capabilities',
      handle: async (req) => {
        writeOnly(req);
        const e = typeof req.data.token === 'string' ? await sys.tokens.lookup(req.data.token) : undefined;
        if (!e) throw new PermissionDeniedError();
        return capabilities(sys, e.policies, pathsOf(req.data));
      },
    },
    {
      matches: (p) => p === 'capabilities-accessor',
      handle: async (req) => {
        writeOnly(req);
        const id = typeof req.data.accessor === 'string' ? await sys.tokens.idForAccessor(req.data.accessor) : undefined;
        const e = id ? await sys.tokens.lookup(id) : undefined;
        if (!e) throw new BadRequestError('invalid accessor');
        return capabilities(sys, e.policies, pathsOf(req.data));
      },
    },
  ];
}
