/**
 * `vaultlab bench --matrix`: the forwarding-vs-redirect matrix (matrix-grid.ts). For each lab
 * (a pair of distances, TLS or not, the balancer's mode) a lab process starts; one load process,
 * the µs client with 3 connections, reads one KV v2 secret through each route the lab serves,
 * pooled and with a new connection per request, after a short warm-up. Results go to
 * results.json, results.md and matrix.svg in the output folder, each cell beside the model.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChildProcess } from 'node:child_process';
import { endChildren, endChildrenOnExit, forkTs, nextMessage } from '../children.ts';
import type { LoadJob, LoadResult } from '../load-process.ts';
import { matrixChart } from './matrix-chart.ts';
import {
  FULL_GRID,
  labsOf,
  MATRIX_SECRET,
  QUICK_GRID,
  routesOf,
  type Cell,
  type Grid,
  type LabSpec,
  type MatrixLabReady,
} from './matrix-grid.ts';
import { matrixMarkdown, withPredictions, type MatrixRun, type MeasuredCell } from './matrix-report.ts';

const here = dirname(fileURLToPath(import.meta.url));

/** How to run the matrix. */
export interface MatrixOptions {
  quick?: boolean;
  outDir: string;
  /** Seconds measured per cell (default 3, or 1 with --quick). */
  durationSec?: number;
  /** Another grid than the full or quick one (to look again at a few cells). */
  grid?: Grid;
  onProgress?: (line: string) => void;
}

/** Concurrent requests in flight: one connection each when pooled. Three, so a standby-ok balancer's round-robin reaches every node. */
const CONNECTIONS = 3;

/** The load for one cell against a ready lab. */
function jobOf(cell: Cell, lab: MatrixLabReady, durationSec: number): LoadJob {
  const origin = cell.route === 'direct' ? lab.active : cell.route === 'forward' || cell.route === 'redirect' ? lab.standby : lab.balancer;
  const headers: Record<string, string> = { 'x-vault-token': lab.token };
  if (cell.route === 'redirect') headers['x-vault-no-request-forwarding'] = 'true';
  return {
    tool: 'micro',
    origin,
    path: `/v1/secret/data/${MATRIX_SECRET}`,
    method: 'GET',
    headers,
    connections: CONNECTIONS,
    durationSec,
    followRedirect: cell.route === 'redirect',
    newConnections: cell.newConnections,
    ca: lab.ca,
  };
}

async function measure(load: ChildProcess, job: LoadJob): Promise<LoadResult> {
  const answer = nextMessage<{ result: LoadResult }>(load, 'result', 'the load process');
  load.send(job);
  return (await answer).result;
}

/** Starts one lab and waits for it. */
async function startLab(spec: LabSpec): Promise<ChildProcess & { ready: MatrixLabReady }> {
  const child = forkTs(join(here, 'matrix-lab.ts'), [], { env: { ...process.env, MATRIX_LAB: JSON.stringify(spec) } });
  const ready = await nextMessage<MatrixLabReady>(child, 'ready', `the lab (${JSON.stringify(spec)})`);
  return Object.assign(child, { ready });
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

const ms = (us: number) => us / 1000;
const label = (c: Cell) =>
  `${c.route.padEnd(13)} ${c.tls ? 'tls  ' : 'plain'} ${c.newConnections ? 'new   ' : 'pooled'} client ${String(c.clientRttMs).padStart(3)} ms intra ${c.intraRttMs} ms`;

/** Runs every cell of the grid; writes and returns the run. */
export async function runMatrix(o: MatrixOptions): Promise<MatrixRun> {
  const grid: Grid = o.grid ?? (o.quick ? QUICK_GRID : FULL_GRID);
  const durationSec = o.durationSec ?? (o.quick ? 1 : 3);
  const warmupSec = o.quick ? 0.2 : 0.3;
  const say = o.onProgress ?? (() => {});
  const started = Date.now();
  const load = forkTs(join(here, '..', 'load-process.ts'));
  await nextMessage(load, 'ready', 'the load process');
  const cells: MeasuredCell[] = [];
  const labs = labsOf(grid);
  const loadAtStart = loadavg();
  for (const [i, spec] of labs.entries()) {
    say(
      `lab ${i + 1}/${labs.length}: client ${spec.clientRttMs} ms, intra ${spec.intraRttMs} ms RTT, ${spec.tls ? 'TLS' : 'plain'}, balancer ${spec.balancer}`,
    );
    const lab = await startLab(spec);
    try {
      for (const route of routesOf(spec.balancer))
        for (const newConnections of grid.newConnections) {
          const cell: Cell = { route, clientRttMs: spec.clientRttMs, intraRttMs: spec.intraRttMs, tls: spec.tls, newConnections };
          await measure(load, jobOf(cell, lab.ready, warmupSec));
          const r = await measure(load, jobOf(cell, lab.ready, durationSec));
          const opened = Object.values(r.connectionsOpened ?? {}).reduce((a, b) => a + b, 0);
          cells.push({
            ...cell,
            p50Ms: ms(r.latency.p50),
            p99Ms: ms(r.latency.p99),
            reqPerSec: r.reqPerSec,
            requests: r.requests,
            errors: r.errors,
            connectionsOpened: opened,
          });
          say(
            `  ${label(cell)}: p50 ${ms(r.latency.p50).toFixed(2)} ms, p99 ${ms(r.latency.p99).toFixed(2)} ms, ${r.reqPerSec.toFixed(0)} req/s${r.errors ? `, ${r.errors} errors` : ''}`,
          );
        }
    } finally {
      await stop(lab);
    }
  }
  await stop(load);
  const run: MatrixRun = {
    date: new Date().toISOString(),
    machine: { cpus: cpus().length, node: process.version, loadAtStart, loadAtEnd: loadavg() },
    quick: o.quick === true,
    durationSec,
    connections: CONNECTIONS,
    minutes: (Date.now() - started) / 60_000,
    grid,
    cells: withPredictions(cells, grid),
  };
  mkdirSync(o.outDir, { recursive: true });
  writeFileSync(join(o.outDir, 'results.json'), `${JSON.stringify(run, null, 2)}\n`);
  writeFileSync(join(o.outDir, 'matrix.svg'), matrixChart(run));
  writeFileSync(join(o.outDir, 'results.md'), matrixMarkdown(run));
  return run;
}

/** The command line: --quick, --out=DIR, --duration=S. */
function parseArgs(argv: readonly string[]): MatrixOptions {
  const o: MatrixOptions = { outDir: 'bench/out/matrix' };
  for (const a of argv) {
    const m = /^--([a-z]+)(?:=(.*))?$/.exec(a);
    if (m?.[1] === 'quick' && m[2] === undefined) o.quick = true;
    else if (m?.[1] === 'out' && m[2]) o.outDir = m[2];
    else if (m?.[1] === 'duration' && m[2] && Number(m[2]) > 0) o.durationSec = Number(m[2]);
    else throw new Error(`unknown or bad argument ${JSON.stringify(a)} (known: --quick, --out=DIR, --duration=SECONDS)`);
  }
  return o;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  endChildrenOnExit();
  let o: MatrixOptions;
  try {
    o = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`Error: ${(e as Error).message}`);
    process.exit(1);
  }
  runMatrix({ ...o, onProgress: (l) => console.log(l) })
    .then((run) => {
      console.log(`\nwrote ${join(o.outDir, 'results.md')}, results.json and matrix.svg (${run.minutes.toFixed(1)} min)`);
      endChildren();
    })
    .catch((e: Error) => {
      console.error(`Error: ${e.message}`);
      endChildren();
      process.exit(1);
    });
}
