/** The built-in policies and the root-protected (sudo) paths, as Vault ships them. */
import type { Operation } from '../request.ts';
import type { Acl, Decision } from './acl.ts';

/** The `default` policy Vault writes at init (1.15+ text, without Enterprise-only paths). */
export const DEFAULT_POLICY_TEXT = `# Allow tokens to look up their own properties
path "auth/token/lookup-self" {
    capabilities = ["read"]
}

# Allow tokens to renew themselves
path "auth/token/renew-self" {
    capabilities = ["update"]
}

# Allow tokens to revoke themselves
path "auth/token/revoke-self" {
    capabilities = ["update"]
}

# Allow a token to look up its own capabilities on a path
path "sys/capabilities-self" {
    capabilities = ["update"]
}

# Allow a token to look up its own entity by id or name
path "identity/entity/id/{{identity.entity.id}}" {
  capabilities = ["read"]
}
path "identity/entity/name/{{identity.entity.name}}" {
  capabilities = ["read"]
}

# Allow a token to look up its resultant ACL from all policies
path "sys/internal/ui/resultant-acl" {
    capabilities = ["read"]
}

# Allow a token to renew a lease via lease_id in the request body
path "sys/renew" {
    capabilities = ["update"]
}
path "sys/leases/renew" {
    capabilities = ["update"]
}

# Allow looking up lease properties
path "sys/leases/lookup" {
    capabilities = ["update"]
}

# Allow a token to manage its own cubbyhole
path "cubbyhole/*" {
    capabilities = ["create", "read", "update", "delete", "list"]
}

# Allow a token to wrap arbitrary values in a response-wrapping token
path "sys/wrapping/wrap" {
    capabilities = ["update"]
}

# Allow a token to look up the creation time and TTL of a given response-wrapping token
path "sys/wrapping/lookup" {
    capabilities = ["update"]
}

# Allow a token to unwrap a response-wrapping token
path "sys/wrapping/unwrap" {
    capabilities = ["update"]
}

# Allow general purpose tools
path "sys/tools/hash" {
    capabilities = ["update"]
}
path "sys/tools/hash/*" {
    capabilities = ["update"]
}

# Allow a token to make requests to the Authorization Endpoint for OIDC providers.
path "identity/oidc/provider/+/authorize" {
    capabilities = ["read", "update"]
}
`;

/** Root-protected paths: exact, or by prefix where they end in '*' (sys/ and auth/token/ PathsSpecial.Root). */
const ROOT_PROTECTED = [
  'sys/auth/*',
  'sys/remount',
  'sys/audit',
  'sys/audit/*',
  'sys/raw',
  'sys/raw/*',
  'sys/rotate',
  'sys/config/cors',
  'sys/config/auditing/*',
  'sys/config/ui/headers/*',
  'sys/plugins/catalog/*',
  'sys/revoke-prefix/*',
  'sys/revoke-force/*',
  'sys/leases/revoke-prefix/*',
  'sys/leases/revoke-force/*',
  'sys/leases/lookup/*',
  'sys/leases',
  'sys/internal/inspect/*',
  'sys/seal',
  'sys/step-down',
  'sys/host-info',
  'auth/token/revoke-orphan',
  'auth/token/revoke-orphan/*',
  'auth/token/accessors*',
];

/** True when the path needs sudo (or root) on top of the operation's capability. */
export function isRootProtected(path: string): boolean {
  const p = path.replace(/\/$/, '');
  return ROOT_PROTECTED.some((r) => (r.endsWith('*') ? path.startsWith(r.slice(0, -1)) : p === r));
}

/** The request check: the operation's capability, plus sudo on root-protected paths; deny always wins. */
export function authorize(acl: Acl, op: Operation, path: string): Decision {
  const d = acl.evaluate(op, path);
  if (d.allowed && !d.root && isRootProtected(path) && !d.sudo) return { ...d, allowed: false };
  return d;
}

/** Vault's policy name normalisation: trimmed and lower-cased. */
export function normalizePolicyName(name: string): string {
  return name.trim().toLowerCase();
}
