/**
 * A process lab (`up --processes`) driven through its control endpoint as the CLI drives it:
 * three `vaultlab server` processes on a three-member etcd the lab starts. A writing client
 * goes through a SIGKILL of the active, a SIGKILL of etcd's leader, the loss of etcd's quorum
 * and a SIGSTOP of the active; every acknowledged write is read back at the end, and closing
 * the lab leaves no process behind.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LAB_TIMINGS } from '../../src/ha/index.ts';
import { readControlSecret, startProcessLab, type LabStatus, type RunningProcessLab } from '../../src/lab/index.ts';
import { controlRequest } from '../helpers/control-http.ts';
import { randomPortBase } from '../helpers/random-port-base.ts';
import { VaultHttp } from '../helpers/vault-http.ts';
import { alive } from '../helpers/pid-alive.ts';

const EVENTUALLY = { timeout: 60_000, interval: 100 };
const home = mkdtempSync(join(tmpdir(), 'vaultlab-process-lab-'));
let run: RunningProcessLab | undefined;
const http = new VaultHttp();

afterAll(async () => {
  await run?.close();
  await http.close();
  rmSync(home, { recursive: true, force: true });
}, 60_000);

describe('up --processes on etcd', () => {
  it('keeps every acknowledged write through a SIGKILL and a SIGSTOP of the active, and etcd losing its leader and its quorum', async () => {
    const basePort = randomPortBase(40);
    run = await startProcessLab({ nodes: 3, storage: 'etcd', home, basePort, profile: 'lab', timings: LAB_TIMINGS });
    const port = Number(new URL(run.control).port);
    const secret = readControlSecret(join(home))!;
    const ask = async (method: 'GET' | 'POST', verb: string, body?: unknown) => {
      const r = await controlRequest(
        port,
        method,
        `/${verb}`,
        { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
        body === undefined ? undefined : JSON.stringify(body),
      );
      if (r.status !== 200) throw new Error(`${verb}: ${r.status} ${JSON.stringify(r.body)}`);
      return r.body.result;
    };
    const status = () => ask('GET', 'status') as Promise<LabStatus>;
    const activeNode = async () => (await status()).nodes.find((n) => n.ha_mode === 'active');
    http.token = run.keys.root_token;

    // The dashboard's page is served as an in-process lab's is; its event stream only to a caller with the secret.
    expect(await controlRequest(port, 'GET', '/ui/')).toMatchObject({
      status: 200,
      headers: { 'content-type': 'text/html; charset=utf-8' },
    });
    expect((await controlRequest(port, 'GET', '/events')).status).toBe(401);
    const first = await status();
    expect(first.nodes.map((n) => n.ha_mode).sort()).toEqual(['active', 'standby', 'standby']);
    expect(first.lock).toMatchObject({ held: true, holder: first.nodes.find((n) => n.ha_mode === 'active')!.name });
    expect(first.processes!.nodes.every((p) => p.state === 'running' && typeof p.pid === 'number')).toBe(true);
    expect(first.processes!.etcd.map((m) => m.healthy)).toEqual([true, true, true]);
    expect(first.processes!.etcd.filter((m) => m.leader)).toHaveLength(1);
    // The unseal lesson's verb goes to the node's own sys/unseal: a share that is not one is refused in the node's words, and nothing moves.
    const badShare = await controlRequest(
      port,
      'POST',
      '/unseal',
      { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      JSON.stringify({ node: 'node1', key: 'not-a-share' }),
    );
    expect(badShare.status).toBe(400);
    expect(badShare.body.errors[0]).toMatch(/unseal|key/i);
    expect((await status()).nodes.map((n) => n.ha_mode).sort()).toEqual(['active', 'standby', 'standby']);

    const acknowledged = new Map<string, string>();
    /** A write through any node that answers (a standby forwards); true once acknowledged. */
    const write = async (name: string): Promise<boolean> => {
      const value = `v-${name}-${Math.random().toString(36).slice(2)}`;
      for (const n of (await status()).nodes.filter((x) => x.ha_mode === 'active' || x.ha_mode === 'standby')) {
        const r = await http.send(n.api_address, 'PUT', `/v1/kv/data/${name}`, { data: { value } }).catch(() => undefined);
        if (r?.status === 200) {
          acknowledged.set(name, value);
          return true;
        }
      }
      return false;
    };
    const active0 = (await activeNode())!;
    await http.must(active0.api_address, 'PUT', '/v1/sys/mounts/kv', { type: 'kv', options: { version: '2' } });
    expect(await write('before')).toBe(true);

    // SIGKILL of the active process.
    await ask('POST', 'kill', { node: active0.name });
    await expect.poll(async () => (await activeNode())?.name, EVENTUALLY).not.toBeOneOf([undefined, active0.name]);
    await expect.poll(() => write('after-kill'), EVENTUALLY).toBe(true);

    // SIGKILL of etcd's leader: the other two elect one, and writes go on.
    const leader = (await status()).processes!.etcd.find((m) => m.leader)!.name;
    await ask('POST', 'fault-etcd', { member: leader, kind: 'kill' });
    await expect.poll(() => write('after-etcd-leader'), EVENTUALLY).toBe(true);

    // etcd without quorum: no write is acknowledged, and status says the lock cannot be read.
    await ask('POST', 'fault-etcd', { kind: 'quorum' });
    expect(await write('during-quorum-loss')).toBe(false);
    expect((await status()).lock.error).toBeDefined();
    await ask('POST', 'heal');
    await expect.poll(() => write('after-quorum'), EVENTUALLY).toBe(true);

    // SIGSTOP of the active, longer than its lease; resumed, it is a standby.
    const active2 = (await activeNode())!;
    await ask('POST', 'fault', { node: active2.name, kind: 'pause' });
    await expect.poll(async () => (await activeNode())?.name, EVENTUALLY).not.toBeOneOf([undefined, active2.name]);
    await expect.poll(() => write('during-pause'), EVENTUALLY).toBe(true);
    await ask('POST', 'heal');
    await expect.poll(async () => (await status()).nodes.find((n) => n.name === active2.name)?.ha_mode, EVENTUALLY).toBe('standby');

    // The killed node comes back as a new process, sealed, and unseals with the lab's keys.
    await ask('POST', 'restart', { node: active0.name });
    const outcomes = (await ask('POST', 'unseal-all')) as { nodes: Array<{ node: string; result: string }> };
    expect(outcomes.nodes.find((o) => o.node === active0.name)?.result).toBe('unsealed');

    const reader = (await activeNode())!;
    for (const [name, value] of acknowledged) {
      expect((await http.must(reader.api_address, 'GET', `/v1/kv/data/${name}`)).body.data.data.value).toBe(value);
    }
    expect(acknowledged.size).toBe(5);

    const pids = [...(await status()).processes!.nodes, ...(await status()).processes!.etcd].map((p) => p.pid).filter((p) => p !== null);
    await run.close();
    run = undefined;
    expect(pids.filter(alive)).toEqual([]);
  }, 300_000);
});
