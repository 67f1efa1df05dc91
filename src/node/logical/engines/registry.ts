/** Which engine serves which mount type, for one node. */
import type { MountEntry } from '../mounts.ts';
import type { EngineResolver } from '../request-handler.ts';
import type { SystemView } from '../system-view.ts';
import type { Engine } from './engine.ts';
import { AppRoleEngine } from './auth/approle-engine.ts';
import { UserpassEngine } from './auth/userpass-engine.ts';
import { CubbyholeEngine } from './kv/cubbyhole-engine.ts';
import { KvV1Engine } from './kv/kv-v1-engine.ts';
import { KvV2Engine } from './kv/kv-v2-engine.ts';
import { SysEngine } from './sys/sys-engine.ts';
import { TokenEngine } from './token-engine.ts';
import { TransitEngine } from './transit/transit-engine.ts';

/** Builds the engines of one node and the resolver the request handler uses. */
export function createEngineResolver(sys: SystemView): EngineResolver {
  const kvV1 = new KvV1Engine();
  const kvV2 = new KvV2Engine();
  const cubbyhole = new CubbyholeEngine(sys);
  const system = new SysEngine(sys);
  const token = new TokenEngine(sys);
  const transit = new TransitEngine();
  const userpass = new UserpassEngine(sys);
  const approle = new AppRoleEngine(sys);
  return (mount: MountEntry): Engine | undefined => {
    switch (mount.type) {
      case 'kv':
        return mount.options?.version === '2' ? kvV2 : kvV1;
      case 'cubbyhole':
        return cubbyhole;
      case 'system':
        return system;
      case 'token':
        return token;
      case 'transit':
        return transit;
      case 'userpass':
        return userpass;
      case 'approle':
        return approle;
      default:
        return undefined;
    }
  };
}
