/** The etcd bench's report: results.json, results.md (tables) and kv-rates.svg (the ratios to inmem). */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { markdownTable, spreadText } from '../markdown.ts';
import { svgChart } from '../ratio-chart.ts';
import { spread, type Ratio } from '../summary.ts';
import type { StorageKind } from './storage-ops.ts';

const KINDS: StorageKind[] = ['memory', 'level', 'etcd'];

/** What one run measured, as results.json keeps it. */
export type EtcdBenchResults = {
  started: string;
  cpus: number;
  cpu?: string;
  node: string;
  repeats: number;
  storage: { put: Record<StorageKind, number[]>; get: Record<StorageKind, number[]> };
  http: Record<string, { write: number[]; read: number[] }>;
  failovers: Array<{ kind: string; ms: number }>;
};

/** Writes results.json, results.md and kv-rates.svg for one run. */
export function writeEtcdReport(out: string, r: EtcdBenchResults): void {
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'results.json'), `${JSON.stringify(r, null, 2)}\n`);
  const f1 = (x: number) => x.toFixed(1);
  const f0 = (x: number) => x.toFixed(0);
  const lines = [
    '# Storage on etcd against level and memory, and failover with nodes as processes',
    '',
    `\`npm run bench:etcd\` (bench/etcd/run-etcd-bench.ts), ${r.started}, ${r.cpus} × ${r.cpu ?? 'CPU'}, Node ${r.node}. Medians (min–max) of ${r.repeats} repeats, storages alternating.`,
    '',
    '## Storage alone: µs per call, 16 in flight',
    '',
    ...markdownTable(
      ['storage', 'fenced put', 'get'],
      KINDS.map((k) => [
        k === 'etcd' ? 'etcd, 3 members' : k,
        spreadText(spread(r.storage.put[k]), f1),
        spreadText(spread(r.storage.get[k]), f1),
      ]),
    ),
    '',
    '## KV v2 over HTTP: requests per second, 16 connections',
    '',
    ...markdownTable(
      ['storage', 'writes/s', 'reads/s', 'writes ÷ inmem writes'],
      Object.entries(r.http).map(([k, v]) => [
        k === 'etcd' ? 'etcd, 3 members (the active of 3 node processes)' : `${k} (one server process)`,
        spreadText(spread(v.write), f0),
        spreadText(spread(v.read), f0),
        spreadText(spread(v.write.map((x, i) => x / r.http.inmem.write[i])), (x) => x.toFixed(2)),
      ]),
    ),
    '',
    "Reads on etcd come from the active's read cache, which a node holds only while storage fences (an HA",
    'active); a lone inmem or level server reads storage and decrypts on every read.',
    '',
    '## Failover with nodes as processes on etcd (lab timings: 1 s lease)',
    '',
    ...markdownTable(
      ['fault', 'runs', 'until a write lands again, ms'],
      (['sigkill', 'step-down'] as const).map((k) => {
        const ms = r.failovers.filter((s) => s.kind === k).map((s) => s.ms);
        return [k === 'sigkill' ? 'SIGKILL of the active' : 'step-down', String(ms.length), spreadText(spread(ms), f0)];
      }),
    ),
    '',
  ];
  writeFileSync(join(out, 'results.md'), lines.join('\n'));
  // Each ratio within one repetition: the storages of a repetition ran back to back.
  const ratios: Ratio[] = Object.entries(r.http)
    .filter(([k]) => k !== 'inmem')
    .flatMap(([k, v]) =>
      (['write', 'read'] as const).map((op) => ({
        name: `${k} ${op}s ÷ inmem ${op}s`,
        ...spread(v[op].map((x, i) => x / r.http.inmem[op][i])),
      })),
    );
  writeFileSync(join(out, 'kv-rates.svg'), svgChart(ratios));
}
