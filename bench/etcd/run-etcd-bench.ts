/**
 * `npm run bench:etcd`: storage on etcd against level and memory, and failover with nodes as
 * processes on etcd. Three parts, in one run so the ratios compare like with like:
 *  1. storage alone (storage-ops.ts): µs per fenced put and per get;
 *  2. KV v2 over HTTP (kv-http.ts): requests per second on each storage;
 *  3. failover with processes (process-failover.ts): SIGKILL and step-down of the active.
 * Repeats alternate the storages; figures are medians with min–max. Writes results.json,
 * results.md and kv-rates.svg to --out (default bench/results/etcd; etcd-report.ts). Progress goes to stderr.
 *
 *   node --import tsx bench/etcd/run-etcd-bench.ts [--repeats 3] [--ops 3000] [--seconds 5] [--failovers 5] [--out DIR]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { LAB_TIMINGS } from '../../src/ha/index.ts';
import { EtcdCluster, ProcessLab } from '../../src/lab/index.ts';
import { writeEtcdReport } from './etcd-report.ts';
import { kvRates, prepare, soloServer } from './kv-http.ts';
import { processFailovers } from './process-failover.ts';
import { storageOps, type StorageKind } from './storage-ops.ts';

const { values: args } = parseArgs({
  options: {
    repeats: { type: 'string', default: '3' },
    ops: { type: 'string', default: '3000' },
    seconds: { type: 'string', default: '5' },
    failovers: { type: 'string', default: '5' },
    out: { type: 'string', default: 'bench/results/etcd' },
  },
});
const repeats = Math.max(1, Number(args.repeats));
const progress = (s: string) => process.stderr.write(`${s}\n`);
const KINDS: StorageKind[] = ['memory', 'level', 'etcd'];

async function storagePart(endpoints: string[]) {
  const put: Record<StorageKind, number[]> = { memory: [], level: [], etcd: [] };
  const get: Record<StorageKind, number[]> = { memory: [], level: [], etcd: [] };
  for (let r = 0; r < repeats; r++) {
    for (const kind of r % 2 ? [...KINDS].reverse() : KINDS) {
      const x = await storageOps(kind, endpoints, Number(args.ops), r);
      put[kind].push(x.put);
      get[kind].push(x.get);
      progress(`storage ${kind} run ${r + 1}/${repeats}: put ${x.put.toFixed(1)} µs, get ${x.get.toFixed(1)} µs`);
    }
  }
  return { put, get };
}

/** Writes and reads per second on a lone inmem server, a lone level server and the active of `lab`. */
async function httpPart(dir: string, lab: ProcessLab, etcdToken: string) {
  const rates: Record<string, { write: number[]; read: number[] }> = {
    inmem: { write: [], read: [] },
    level: { write: [], read: [] },
    etcd: { write: [], read: [] },
  };
  const solo = { inmem: await soloServer('inmem', dir), level: await soloServer('level', dir) };
  try {
    const tokens = { inmem: (await prepare([solo.inmem.addr])).token, level: (await prepare([solo.level.addr])).token, etcd: etcdToken };
    for (let r = 0; r < repeats; r++) {
      for (const kind of ['inmem', 'level', 'etcd'] as const) {
        const addr = kind === 'etcd' ? (await lab.untilActive(30_000))!.o.apiAddr : solo[kind].addr;
        const x = await kvRates(addr, tokens[kind], Number(args.seconds));
        rates[kind].write.push(x.write);
        rates[kind].read.push(x.read);
        progress(`KV over HTTP ${kind} run ${r + 1}/${repeats}: ${x.write.toFixed(0)} writes/s, ${x.read.toFixed(0)} reads/s`);
      }
    }
    return rates;
  } finally {
    await solo.inmem.stop();
    await solo.level.stop();
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'vaultlab-bench-etcd-'));
  const started = new Date().toISOString();
  try {
    const etcd = await EtcdCluster.start({ members: 3, dir: join(dir, 'etcd') });
    let storage;
    try {
      storage = await storagePart(etcd.endpoints());
    } finally {
      await etcd.close();
    }
    const lab = await ProcessLab.start({
      nodes: 3,
      storage: 'etcd',
      home: join(dir, 'lab'),
      basePort: 0,
      profile: 'lab',
      timings: LAB_TIMINGS,
    });
    try {
      const { token, keys } = await prepare(lab.nodes.map((n) => n.o.apiAddr));
      const http = await httpPart(dir, lab, token);
      const failovers = await processFailovers(lab, token, keys, Number(args.failovers), progress);
      writeEtcdReport(args.out!, {
        started,
        cpus: cpus().length,
        cpu: cpus()[0]?.model,
        node: process.version,
        repeats,
        storage,
        http,
        failovers,
      });
    } finally {
      await lab.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
