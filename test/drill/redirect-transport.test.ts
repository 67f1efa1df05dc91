/**
 * The real-time drill transport on a real lab (HTTP listeners, level storage): asked not to
 * forward, a standby answers 307 with the active's address; the transport follows it once
 * and says where it led; once the active is killed (its lease, Vault's 15 s, still running)
 * the standby still names it and the follow meets a refused connection.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outcomeOfError } from '../../src/drill/drill-client.ts';
import { settled, startDrillCluster, type DrillCluster } from '../../src/drill/drill-cluster.ts';
import { HttpTransport } from '../../src/drill/http-transport.ts';
import type { ClientView } from '../../src/drill/redirect-route.ts';
import { VAULT_TIMINGS } from '../../src/ha/index.ts';
import type { LogicalRequest } from '../../src/node/index.ts';

let dc: DrillCluster;
let transport: HttpTransport;
let token: string;

beforeAll(async () => {
  // Vault's own timings: the killed active's lease runs 15 s, far longer than the test needs, so no race with the clock.
  dc = await startDrillCluster({ nodes: 3, seed: 1, realTime: true, timings: VAULT_TIMINGS });
  const init = await dc.cluster.init(1, 1);
  token = init.rootToken;
  await dc.cluster.unsealAll(init.keys);
  expect(await settled(dc, 30_000)).toBe(true);
  transport = new HttpTransport(dc.cluster, 10_000);
}, 60_000);

afterAll(async () => {
  await transport?.close();
  await dc?.close();
});

const write = (v: string): LogicalRequest => ({ operation: 'update', path: 'secret/data/k0', data: { data: { v } }, token });
const standby = () => dc.cluster.nodes.find((n) => n.up && n.node.state === 'standby')!;

describe('the real-time transport with redirect routing', () => {
  it("sends X-Vault-No-Request-Forwarding: the standby answers 307 to the active's address instead of forwarding", async () => {
    const active = dc.cluster.active()!;
    const a = await transport.send(standby().name, write('a'), { noForwarding: true });
    expect(a.status).toBe(307);
    expect(a.location).toBe(`${active.apiAddr}/v1/secret/data/k0`);
  });

  it('follows the 307 once and records where it led', async () => {
    const active = dc.cluster.active()!;
    const view: ClientView = {};
    const a = await transport.sendFollowing(standby().name, write('b'), view);
    expect(a.status).toBe(200);
    expect(view.redirect).toEqual({ to: active.name, refused: false });
    const direct = await transport.send(active.name, { operation: 'read', path: 'secret/data/k0', data: {}, token });
    expect(direct.data).toMatchObject({ data: { v: 'b' } });
  });

  it('a killed active the standby still names refuses the follow: nothing was written', async () => {
    const dead = dc.cluster.active()!;
    await dc.cluster.kill(dead.name);
    const view: ClientView = {};
    const err = await transport.sendFollowing(standby().name, write('lost'), view).catch((e: unknown) => e);
    expect(outcomeOfError(err)).toMatchObject({ outcome: 'fail', status: 'ECONNREFUSED' });
    expect(view.redirect).toEqual({ to: dead.name, refused: true });
  });
});
