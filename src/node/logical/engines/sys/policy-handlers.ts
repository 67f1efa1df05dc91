/**
 * sys/policy and sys/policies/acl (list, read, write, delete) and the capability
 * queries sys/capabilities, sys/capabilities-self, sys/capabilities-accessor.
 */
import { BadRequestError, PermissionDeniedError, UnsupportedOperationError } from '../../../errors.ts';
import { normalizePolicyName, PolicyParseError } from '../../policy/index.ts';
import type { LogicalResponse } from '../../request.ts';
import type { SystemView } from '../../system-view.ts';
import type { EngineRequest } from '../engine.ts';
import type { PathEntry, PathHandler, PathOperations } from '../path-table.ts';

/** Policies Vault keeps out of listings. */
const HIDDEN = new Set(['response-wrapping', 'control-group']);

async function listNames(sys: SystemView): Promise<string[]> {
  return [...(await sys.policies.list()).filter((n) => !HIDDEN.has(n)), 'root'];
}

/** The name a policy path names, normalised as Vault stores it, and the warning when that changed it. */
function policyName(rawName: string): { name: string; warnings: string[] } {
  const name = normalizePolicyName(rawName);
  return { name, warnings: name !== rawName ? [`policy name was converted to ${name}`] : [] };
}

/** The text of a policy write: `policy`, or the deprecated `rules` with a warning. */
function policyText(data: Record<string, unknown>, warnings: string[]): string {
  let text = data.policy;
  if (text === undefined && data.rules !== undefined) {
    text = data.rules;
    warnings.push("'rules' is deprecated, please use 'policy' instead");
  }
  if (typeof text !== 'string' || !text.trim()) throw new BadRequestError("'policy' parameter not supplied or empty");
  return text;
}

/** Stores a policy; a parse failure is a 400 that says why. */
async function storePolicy(sys: SystemView, name: string, text: string): Promise<void> {
  try {
    await sys.policies.write(name, text);
  } catch (err) {
    if (err instanceof PolicyParseError) throw new BadRequestError(`failed to parse policy: ${err.message}`);
    throw err;
  }
}

/** Read, write and delete of one policy; `legacy` is sys/policy/ (text under `rules`, data at the top level). */
function onePolicy(sys: SystemView, legacy: boolean): PathOperations {
  const textKey = legacy ? 'rules' : 'policy';
  return {
    read: async (_req, params) => {
      const { name } = policyName(params.name);
      if (name === 'root') return { data: { name, [textKey]: '' }, injectTopLevel: legacy };
      const text = await sys.policies.read(name);
      return text === undefined ? undefined : { data: { name, [textKey]: text }, injectTopLevel: legacy };
    },
    update: async (req, params) => {
      const { name, warnings } = policyName(params.name);
      const text = policyText(req.data, warnings);
      if (name === 'root' || name === 'response-wrapping') throw new BadRequestError(`cannot update "${name}" policy`);
      if (!name) throw new BadRequestError('policy name must be specified');
      await storePolicy(sys, name, text);
      return warnings.length ? { data: null, warnings } : undefined;
    },
    delete: async (_req, params) => {
      const { name } = policyName(params.name);
      if (name === 'root') throw new BadRequestError('cannot delete "root" policy');
      if (name === 'default') throw new BadRequestError('cannot delete default policy');
      await sys.policies.delete(name);
      return undefined;
    },
  };
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

/** capabilities, capabilities-self, capabilities-accessor: whose policies each asks about. */
function capabilityPaths(sys: SystemView): PathEntry[] {
  const query = (policiesOf: (req: EngineRequest) => Promise<string[]>): PathOperations => ({
    update: async (req) => capabilities(sys, await policiesOf(req), pathsOf(req.data)),
  });
  const ofToken = async (req: EngineRequest) => {
    const e = typeof req.data.token === 'string' ? await sys.tokens.lookup(req.data.token) : undefined;
    if (!e) throw new PermissionDeniedError();
    return e.policies;
  };
  const ofAccessor = async (req: EngineRequest) => {
    const id = typeof req.data.accessor === 'string' ? await sys.tokens.idForAccessor(req.data.accessor) : undefined;
    const e = id ? await sys.tokens.lookup(id) : undefined;
    if (!e) throw new BadRequestError('invalid accessor');
    return e.policies;
  };
  return [
    { pattern: /^capabilities-self$/, operations: query(async (req) => req.caller?.policies ?? []) },
    { pattern: /^capabilities$/, operations: query(ofToken) },
    { pattern: /^capabilities-accessor$/, operations: query(ofAccessor) },
  ];
}

/** The policy and capability paths; an operation they lack is Vault's plain 405. */
export function policyPaths(sys: SystemView): PathEntry[] {
  const legacyList: PathHandler = async () => {
    const names = await listNames(sys);
    return { data: { keys: names, policies: names }, injectTopLevel: true };
  };
  const paths: PathEntry[] = [
    { pattern: /^policy\/?$/, operations: { read: legacyList, list: legacyList } },
    { pattern: /^policy\/(?<name>.*)$/s, operations: onePolicy(sys, true) },
    { pattern: /^policies\/acl\/?$/, operations: { list: async () => ({ data: { keys: await listNames(sys) } }) } },
    { pattern: /^policies\/acl\/(?<name>.*)$/s, operations: onePolicy(sys, false) },
    ...capabilityPaths(sys),
  ];
  return paths.map((p) => ({ ...p, unsupported: () => new UnsupportedOperationError() }));
}
