/**
 * The token auth backend mounted at auth/token/: lookups for now; creation, renewal
 * and revocation arrive with the token issue.
 */
import { UnsupportedOperationError } from '../errors.ts';
import type { LogicalResponse } from '../request.ts';
import { lookupView } from '../token/token-entry.ts';
import type { Engine, EngineRequest } from './engine.ts';

/** auth/token/* */
export class TokenEngine implements Engine {
  async handle(req: EngineRequest): Promise<LogicalResponse | undefined> {
    if (req.path === 'lookup-self' && req.operation === 'read' && req.caller) {
      return { data: lookupView(req.caller, req.clock.now()) };
    }
    throw new UnsupportedOperationError('unsupported path');
  }
}
