/**
 * KV v2 over Vault's HTTP API on each storage: one `vaultlab server -config` process on inmem,
 * one on level, and on etcd a process lab's active (three node processes, three etcd members).
 * A closed loop of 16 connections writes (then reads) for a fixed time; the figure is requests
 * per second. The client runs in the bench process, the server in its own.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { Pool } from 'undici';
import { freePort, nodeCall, nodeMust, vaultlabBin } from '../../src/lab/index.ts';

const CONNECTIONS = 16;
const BODY = JSON.stringify({ data: { v: 'x'.repeat(480) } });

/** Requests per second of a closed loop on `addr` for `seconds`. */
async function closedLoop(addr: string, token: string, seconds: number, write: boolean): Promise<number> {
  const pool = new Pool(addr, { connections: CONNECTIONS, pipelining: 1 });
  const until = Date.now() + seconds * 1000;
  let done = 0;
  let i = 0;
  try {
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        while (Date.now() < until) {
          const key = `k${i++ % 256}`;
          const res = await pool.request({
            method: write ? 'POST' : 'GET',
            path: `/v1/secret/data/${key}`,
            headers: { 'x-vault-token': token, ...(write ? { 'content-type': 'application/json' } : {}) },
            body: write ? BODY : undefined,
          });
          await res.body.dump();
          if (res.statusCode === 200) done++;
        }
      }),
    );
  } finally {
    await pool.close();
  }
  return done / seconds;
}

/** Init (one share), unseal and mount KV v2 at secret/ through `addrs`; the root token and the unseal key. */
export async function prepare(addrs: readonly string[]): Promise<{ token: string; keys: string[] }> {
  const init = (await nodeMust(addrs[0], 'PUT', 'sys/init', { body: { secret_shares: 1, secret_threshold: 1 } })) as {
    keys: string[];
    root_token: string;
  };
  for (const a of addrs) await nodeMust(a, 'PUT', 'sys/unseal', { body: { key: init.keys[0] } });
  let active: string | undefined;
  for (let tries = 0; !active && tries < 400; tries++) {
    // sys/health answers 200 on the active only (a lone node without HA is its own active).
    for (const a of addrs) if ((await nodeCall(a, 'GET', 'sys/health'))?.status === 200) active ??= a;
    if (!active) await new Promise((r) => setTimeout(r, 25));
  }
  await nodeMust(active!, 'PUT', 'sys/mounts/secret', { token: init.root_token, body: { type: 'kv', options: { version: '2' } } });
  return { token: init.root_token, keys: init.keys };
}

/** Writes then reads for `seconds` each against `addr`. */
export async function kvRates(addr: string, token: string, seconds: number): Promise<{ write: number; read: number }> {
  const write = await closedLoop(addr, token, seconds, true);
  const read = await closedLoop(addr, token, seconds, false);
  return { write, read };
}

/** A lone `vaultlab server -config` on inmem or level, in `dir`; its address and how to stop it. */
export async function soloServer(storage: 'inmem' | 'level', dir: string): Promise<{ addr: string; stop: () => Promise<void> }> {
  const port = await freePort('127.0.0.1');
  const config = join(dir, `${storage}.hcl`);
  const store = storage === 'inmem' ? 'storage "inmem" {}' : `storage "level" {\n  path = "${join(dir, 'level-data')}"\n}`;
  writeFileSync(config, `${store}\nlistener "tcp" {\n  address = "127.0.0.1:${port}"\n  tls_disable = true\n}\n`);
  const child: ChildProcess = spawn(process.execPath, [vaultlabBin(), 'server', `-config=${config}`], { stdio: 'ignore' });
  const addr = `http://127.0.0.1:${port}`;
  while (!(await nodeCall(addr, 'GET', 'sys/health'))) await new Promise((r) => setTimeout(r, 50));
  return {
    addr,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}
