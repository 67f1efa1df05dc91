/**
 * Where ACL policies live: their text through the barrier at sys/policy/<name>, and
 * compiled ACLs cached per policy set so a request pays for a policy lookup once, not
 * on every call. The cache is dropped on any policy change and on seal.
 */
import type { Barrier } from '../../crypto/index.ts';
import { StorageKeys } from '../../storage/index.ts';
import { compileAcl, DEFAULT_POLICY_TEXT, parsePolicy, type Acl, type Policy } from './policy/index.ts';

const enc = new TextEncoder();
const dec = new TextDecoder();

/** Stores policy text and hands out compiled ACLs. */
export class PolicyStore {
  private readonly acls = new Map<string, Acl>();

  constructor(private readonly barrier: Barrier) {}

  /** Writes the built-in `default` policy (at init). */
  async installDefaults(): Promise<void> {
    if (!(await this.read('default'))) await this.write('default', DEFAULT_POLICY_TEXT);
  }

  /** The raw text of a stored policy, or undefined. */
  async read(name: string): Promise<string | undefined> {
    const raw = await this.barrier.get(StorageKeys.policyPrefix + name);
    return raw ? dec.decode(raw) : undefined;
  }

  /** Parses (so a bad policy is refused before it is stored) and stores a policy. */
  async write(name: string, text: string): Promise<Policy> {
    const policy = parsePolicy(name, text);
    await this.barrier.put(StorageKeys.policyPrefix + name, enc.encode(text));
    this.acls.clear();
    return policy;
  }

  /** Deletes a policy (missing is fine). */
  async delete(name: string): Promise<void> {
    await this.barrier.delete(StorageKeys.policyPrefix + name);
    this.acls.clear();
  }

  /** Names of every stored policy, sorted. */
  async list(): Promise<string[]> {
    return (await this.barrier.list(StorageKeys.policyPrefix)).filter((k) => !k.endsWith('/')).sort();
  }

  /** The compiled ACL for a token's policy set; unknown policy names grant nothing. */
  async aclFor(names: string[]): Promise<Acl> {
    const key = names.join('\n');
    const cached = this.acls.get(key);
    if (cached) return cached;
    const policies: Policy[] = [];
    for (const name of names) {
      if (name === 'root') {
        policies.push(parsePolicy('root', ''));
        continue;
      }
      const text = await this.read(name);
      if (text !== undefined) policies.push(parsePolicy(name, text));
    }
    const acl = compileAcl(policies);
    this.acls.set(key, acl);
    return acl;
  }

  /** Forgets compiled ACLs (policy change, seal, step-down). */
  clear(): void {
    this.acls.clear();
  }
}
