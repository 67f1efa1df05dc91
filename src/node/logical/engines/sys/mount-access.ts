/**
 * Vault's hasMountAccess (vault/logical_system.go): may this token see a mount in the
 * sys/internal/ui/mounts preflight? Yes if its ACL grants anything on the mount path
 * itself, or any non-deny capability on some rule that reaches inside the mount. The
 * preflight answers the same 403 for "no access" and "no such mount", so a token
 * cannot enumerate mounts it has no business with.
 */
import { parsePolicy, type Capability } from '../../policy/index.ts';
import type { TokenEntry } from '../../token/token-entry.ts';
import type { SystemView } from '../../system-view.ts';

const GRANTING: Capability[] = ['create', 'read', 'update', 'patch', 'delete', 'list', 'sudo'];

/** The caller's rules merged per pattern, as the ACL merges them (deny anywhere wins). */
async function mergedRules(sys: SystemView, policies: string[]): Promise<Map<string, Set<Capability>>> {
  const merged = new Map<string, Set<Capability>>();
  for (const name of policies) {
    const text = name === 'root' ? undefined : await sys.policies.read(name);
    if (text === undefined) continue;
    for (const rule of parsePolicy(name, text).rules) {
      const caps = merged.get(rule.path) ?? new Set<Capability>();
      rule.capabilities.forEach((c) => caps.add(c));
      merged.set(rule.path, caps);
    }
  }
  return merged;
}

/** Does a `+` rule match the mount path itself or something beneath it (CheckAllowedFromNonExactPaths with bareMount)? */
function plusRuleReaches(pattern: string, mountPath: string): boolean {
  const isPrefix = pattern.endsWith('*');
  const rule = (isPrefix ? pattern.slice(0, -1) : pattern).split('/');
  const mount = mountPath.replace(/\/$/, '').split('/');
  for (let i = 0; i < Math.min(rule.length, mount.length); i++) {
    const last = i === rule.length - 1;
    if (rule[i] === '+') continue;
    if (last && isPrefix ? !mount[i].startsWith(rule[i]) : rule[i] !== mount[i]) return false;
  }
  return rule.length >= mount.length || isPrefix;
}

/** Whether `caller` may see the mount at `mountPath` (its full API path, e.g. 'secret/' or 'auth/token/'). */
export async function hasMountAccess(sys: SystemView, caller: TokenEntry, mountPath: string): Promise<boolean> {
  const acl = await sys.policies.aclFor(caller.policies);
  if (acl.root || !acl.capabilities(mountPath).includes('deny')) return true;
  for (const [pattern, caps] of await mergedRules(sys, caller.policies)) {
    if (caps.has('deny') || !GRANTING.some((c) => caps.has(c))) continue;
    const stem = pattern.endsWith('*') ? pattern.slice(0, -1) : pattern;
    if (pattern.includes('+') ? plusRuleReaches(pattern, mountPath) : stem.startsWith(mountPath)) return true;
  }
  return false;
}
