/**
 * cubbyhole/: private storage per token. Each token sees only the folder named by the
 * salted hash of its own id, and the folder is destroyed when the token is revoked.
 */
import { BadRequestError, PermissionDeniedError } from '../../../errors.ts';
import type { LogicalResponse } from '../../request.ts';
import type { SystemView } from '../../system-view.ts';
import { deleteTree, type Engine, type EngineRequest } from '../engine.ts';
import { KvV1Engine } from './kv-v1-engine.ts';

/** KV v1 semantics (no lease) inside the caller's own folder. */
export class CubbyholeEngine implements Engine {
  private readonly kv = new KvV1Engine(false);

  constructor(private readonly sys: SystemView) {}

  private scoped(req: EngineRequest): EngineRequest {
    if (!req.caller) throw new PermissionDeniedError();
    return { ...req, storage: this.sys.view(`logical/${req.mount.uuid}/${this.sys.tokens.hash(req.caller.id)}/`) };
  }

  async exists(req: EngineRequest): Promise<boolean | undefined> {
    // A batch token has no cubbyhole: no existence to check; handle() refuses it after the ACL, as Vault's router does.
    if (req.caller?.type === 'batch') return undefined;
    const scoped = this.scoped(req);
    const found = await this.kv.exists(scoped);
    // The match is made on the scoped copy; handle() scopes this request again and reuses it.
    req.existence = scoped.existence;
    return found;
  }

  handle(req: EngineRequest): Promise<LogicalResponse | undefined> {
    if (req.caller?.type === 'batch') throw new BadRequestError('cubbyhole operations are only supported by "service" type tokens');
    return this.kv.handle(this.scoped(req));
  }
}

/** Deletes every entry of one token's cubbyhole (called when the token is revoked). */
export async function clearCubbyhole(sys: SystemView, tokenHash: string): Promise<void> {
  const mount = sys.mounts.all().find((m) => m.type === 'cubbyhole');
  if (!mount) return;
  await deleteTree(sys.view(`logical/${mount.uuid}/${tokenHash}/`), '');
}
