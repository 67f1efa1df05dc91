/**
 * A limited-use token under concurrent requests, with fast-check's scheduler deciding the
 * order in which every storage read and write of the active lands: whatever the order,
 * exactly min(uses, requests) requests are served, and once the uses are spent the token
 * is gone (Vault decrements under a per-token lock before the request runs).
 */
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { VaultNode } from '../../../../src/node/index.ts';
import { drive, gateStorage, interleaving, RaceTally, startRaceLab, track } from '../../../helpers/race-rig.ts';

const summaries: string[] = [];
afterAll(() => process.stdout.write(summaries.join('')));

async function limitedToken(node: VaultNode, root: string, uses: number): Promise<string> {
  const served = await node.handle({
    operation: 'update',
    path: 'auth/token/create',
    data: { policies: ['default'], num_uses: uses },
    token: root,
  });
  return served.response!.auth!.clientToken;
}

describe('num_uses under scheduled interleavings', () => {
  it('exactly min(uses, requests) requests are served, and a spent token is revoked', async () => {
    const tally = new RaceTally();
    const scenario = fc.record({ uses: fc.integer({ min: 1, max: 4 }), requests: fc.integer({ min: 1, max: 8 }) });
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), scenario, async (s, sc) => {
        const lab = await startRaceLab(1, ['node1']);
        try {
          const active = lab.cluster.get('node1');
          const token = await limitedToken(active.node, lab.init.rootToken, sc.uses);
          const ungate = gateStorage(s, active.storage, 'node1');
          const reqs = Array.from({ length: sc.requests }, () =>
            track(active.node.handle({ operation: 'read', path: 'auth/token/lookup-self', data: {}, token })),
          );
          const settled = await drive(s, lab.clock, { done: () => reqs.every((r) => r.done), maxMs: 5_000 });
          ungate();
          expect(settled, 'every request answered').toBe(true);
          const served = reqs.filter((r) => r.error === undefined).length;
          expect(served).toBe(Math.min(sc.uses, sc.requests));
          for (const r of reqs) if (r.error !== undefined) expect((r.error as { code?: string }).code).toBe('PERMISSION_DENIED');
          const left = await active.node.system.tokens.lookup(token);
          expect(left === undefined, 'revoked once spent').toBe(sc.requests >= sc.uses);
          tally.add(interleaving(s), `${served}/${sc.uses}`);
        } finally {
          await lab.close();
        }
      }),
      { numRuns: 60 },
    );
    summaries.push(tally.line('num_uses'));
  });
});
