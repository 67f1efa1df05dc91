/**
 * Redirect routing in virtual time, without sockets: a client asks a node with
 * X-Vault-No-Request-Forwarding and follows one redirect. A standby names the active it
 * knows; after the active dies (its lease still running) it still names it, and the follow
 * is refused with nothing written; a standby that knows no active answers Vault's 503; a
 * sealed target refuses; a second redirect is not followed.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { outcomeAfterFollow, outcomeOfError, sendRequest, type ClientEnv } from '../../src/drill/drill-client.ts';
import { settled, startDrillCluster, type DrillCluster } from '../../src/drill/drill-cluster.ts';
import { History } from '../../src/drill/history.ts';
import { followOnce, type ClientView } from '../../src/drill/redirect-route.ts';
import { seeded } from '../../src/drill/rng.ts';
import { LAB_TIMINGS, type Timings } from '../../src/ha/index.ts';
import type { Cluster, LabNode } from '../../src/lab/index.ts';
import type { LogicalRequest } from '../../src/node/index.ts';

let dc: DrillCluster;
let env: ClientEnv;

/** A settled 3-node cluster in virtual time with `timings`, and redirecting clients' env on it. */
async function startCluster(timings: Timings): Promise<void> {
  dc = await startDrillCluster({ nodes: 3, seed: 1, realTime: false, timings });
  const init = await dc.cluster.init(1, 1);
  await dc.cluster.unsealAll(init.keys);
  expect(await settled(dc, 10_000)).toBe(true);
  env = {
    cluster: dc.cluster,
    clock: dc.clock,
    history: new History(),
    token: init.rootToken,
    rnd: seeded(1),
    keys: 1,
    thinkMs: [10, 10],
    timeoutMs: 500,
    route: 'redirect',
  };
}

beforeEach(() => startCluster(LAB_TIMINGS));

afterEach(() => dc.close());

const write = (v: string): LogicalRequest => ({ operation: 'update', path: 'secret/data/k0', data: { data: { v } }, token: env.token });
const read = (): LogicalRequest => ({ operation: 'read', path: 'secret/data/k0', data: {}, token: env.token });
const standbys = () => dc.cluster.nodes.filter((n) => n.node.state === 'standby');

/** One request as a drill client makes it: the outcome (a thrown error as the client records it) and what it saw. */
async function ask(target: LabNode, req: LogicalRequest) {
  const view: ClientView = {};
  const answer = await sendRequest(env, target, req, req.operation === 'update', view).catch(outcomeOfError);
  return { answer, view };
}

describe('redirect routing in virtual time', () => {
  it('a standby names the active: the client follows once and its write lands there', async () => {
    const active = dc.cluster.active()!;
    const { answer, view } = await ask(standbys()[0], write('a'));
    expect(answer).toMatchObject({ outcome: 'ok', version: 1 });
    expect(view.redirect).toEqual({ to: active.name, refused: false });
    const direct = await ask(active, read());
    expect(direct.answer).toMatchObject({ outcome: 'ok', value: 'a' });
    expect(direct.view.redirect).toBeUndefined();
  });

  it('a dead active its lease still names refuses the follow, nothing is written; after the lease the standbys name the new one', async () => {
    const dead = dc.cluster.active()!;
    await dc.cluster.kill(dead.name);
    const [asked] = standbys();
    const stale = await ask(asked, write('lost'));
    expect(stale.answer).toMatchObject({ outcome: 'fail', status: 'ECONNREFUSED' });
    expect(stale.view.redirect).toEqual({ to: dead.name, refused: true });
    // Asked directly, the dead node refuses too, with no redirect to tell of.
    const direct = await ask(dead, write('lost'));
    expect(direct.answer).toMatchObject({ outcome: 'fail', status: 'ECONNREFUSED' });
    expect(direct.view.redirect).toBeUndefined();
    await dc.wait(LAB_TIMINGS.lockTtlMs + 2 * LAB_TIMINGS.leaderCheckMs);
    const next = dc.cluster.active()!;
    expect(next.name).not.toBe(dead.name);
    const asker = standbys().find((n) => n.up) ?? next;
    const fresh = await ask(asker, read());
    expect(fresh.answer).toMatchObject({ outcome: 'ok', value: null });
    if (asker !== next) expect(fresh.view.redirect).toEqual({ to: next.name, refused: false });
  });

  it("a standby that knows no active answers Vault's 503 and sends the client nowhere", async () => {
    // Consul's lock-delay: once a dead active's lease lapses, nobody may take the lock for a while, and nobody holds it.
    await dc.close();
    await startCluster({ ...LAB_TIMINGS, lockDelayMs: 5000 });
    await dc.cluster.kill(dc.cluster.active()!.name);
    await dc.wait(LAB_TIMINGS.lockTtlMs + 2 * LAB_TIMINGS.leaderCheckMs);
    const standby = standbys()[0];
    expect(standby.node.ha!.leader()).toBeUndefined();
    const { answer, view } = await ask(standby, write('x'));
    expect(answer).toEqual({ outcome: 'fail', status: 503, error: 'no active Vault instance found' });
    expect(view.redirect).toBeUndefined();
  });

  it('a sealed node the standby still names refuses the followed request', async () => {
    const sealed = dc.cluster.active()!;
    dc.cluster.seal(sealed.name);
    const { answer, view } = await ask(
      standbys().find((n) => n !== sealed)!,
      write('x'),
    );
    expect(answer).toMatchObject({ outcome: 'fail', status: 'SEALED' });
    expect(view.redirect).toEqual({ to: sealed.name, refused: false });
  });
});

describe('following one redirect', () => {
  const cluster = {
    nodes: [
      { name: 'node1', apiAddr: 'http://127.0.0.1:8200' },
      { name: 'node2', apiAddr: 'http://127.0.0.1:8210' },
    ],
  } as unknown as Cluster;

  it('does not follow a second redirect: the request did nothing', async () => {
    const hops: string[] = [];
    const view: ClientView = {};
    const last = await followOnce(
      cluster,
      view,
      async () => ({ status: 307, location: 'http://127.0.0.1:8210/v1/secret/data/k0' }),
      async (location, to) => (hops.push(`${to?.name} ${location}`), { status: 307, location: 'http://127.0.0.1:8200/v1/secret/data/k0' }),
    );
    expect(hops).toEqual(['node2 http://127.0.0.1:8210/v1/secret/data/k0']);
    expect(view.redirect).toEqual({ to: 'node2', refused: false });
    expect(outcomeAfterFollow(true, last)).toMatchObject({ outcome: 'fail', status: 307 });
  });

  it('names the address when no node has it, and marks a refused follow', async () => {
    const view: ClientView = {};
    const refused = Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });
    const follow = followOnce(
      cluster,
      view,
      async () => ({ status: 307, location: 'http://10.0.0.9:8200/v1/x' }),
      async () => Promise.reject(refused),
    );
    await expect(follow).rejects.toBe(refused);
    expect(view.redirect).toEqual({ to: 'http://10.0.0.9:8200/v1/x', refused: true });
  });
});
