/** The scaling results as Markdown: one table per figure, every spread as median (min–max) of its repeats. */
import type { DrillCostFigures, ScalingResults } from './scaling-results.ts';
import { markdownTable, spreadText } from '../markdown.ts';

const int = (x: number) => String(Math.round(x));
const fixed = (digits: number) => (x: number) => x.toFixed(digits);

function nodesTable(r: ScalingResults): string[] {
  const header = [
    'nodes',
    'forwarded req/s',
    'direct req/s',
    'forwarded ÷ direct req/s',
    'forwarded p50 / p99 µs',
    'direct p50 / p99 µs',
    'forwarded CPU µs/req',
    'direct CPU µs/req',
    'CPU ratio',
  ];
  return markdownTable(
    header,
    r.nodes.map((n) => [
      `${n.nodes} (${n.standbys} standbys)`,
      spreadText(n.forwarded.reqPerSec),
      spreadText(n.direct.reqPerSec),
      spreadText(n.ratio.reqPerSec, fixed(2)),
      `${int(n.forwarded.p50Us.median)} / ${int(n.forwarded.p99Us.median)}`,
      `${int(n.direct.p50Us.median)} / ${int(n.direct.p99Us.median)}`,
      spreadText(n.forwarded.cpuUsPerReq, fixed(1)),
      spreadText(n.direct.cpuUsPerReq, fixed(1)),
      spreadText(n.ratio.cpuUsPerReq, fixed(2)),
    ]),
  );
}

function rssTable(r: ScalingResults): string[] {
  return markdownTable(
    ['nodes', 'RSS idle after preload (MiB)', 'peak RSS under c10 read/write load (MiB)', 'that load (req/s)'],
    r.nodes.map((n) => [String(n.nodes), n.rss.idleMiB.toFixed(1), n.rss.peakUnderLoadMiB.toFixed(1), int(n.rss.loadReqPerSec)]),
  );
}

function drillLine(d: DrillCostFigures): string {
  return `${d.drills} random drills (${d.jobs} processes at a time): **${(d.wallMs / 1000).toFixed(1)} s wall, ${(d.cpuMs / 1000).toFixed(1)} s CPU** (${d.acknowledged} acknowledged operations, ${d.failures} failing drills)`;
}

/** The whole Markdown report. */
export function scalingMarkdown(r: ScalingResults): string {
  const s = r.settings;
  return [
    '# Scaling figures',
    '',
    `Machine: ${r.machine.cpus} × ${r.machine.cpuModel}, Node ${r.machine.node}; load average (1 min) per phase: ${r.phases.map((p) => `${p.name} ${p.loadBefore.toFixed(2)} → ${p.loadAfter.toFixed(2)}`).join(', ')}. Run took ${int(r.elapsedSec)} s${s.quick ? ' (--quick: too short to quote)' : ''}.`,
    '',
    `## Forwarded reads over every standby, by cluster size`,
    '',
    `c${s.connections} reads of preloaded 512-byte KV v2 secrets on memory storage (keys uniform over the 1,000 preloaded secrets, which all fit in the active's read cache: this measures the forwarding hop, not storage), split evenly over one µs-client load process per standby; "direct" sends the same jobs to the active. Forwarded and direct alternate (A B A B) in the same server process, ${s.reps} repeat(s) of ${s.durationSec} s after a ${s.warmupSec} s warm-up each: median (min–max). p50 is the jobs' request-weighted mean p50, p99 the largest job's p99. CPU is the server process's CPU time over the window ÷ requests.`,
    '',
    ...nodesTable(r),
    '',
    '## Server RSS',
    '',
    "The server process's resident set (all nodes in one process): idle after the preload of 1,000 secrets, and the peak sampled every 20 ms while one job writes to the active and the others read through the standbys.",
    '',
    ...rssTable(r),
    '',
    '## `vaultlab up` to three unsealed nodes',
    '',
    `From spawning \`node bin/vaultlab.js up --storage memory --base-port 0\` until every node answers sys/seal-status unsealed and one is active (10 ms polls), ${r.up.runs} run(s)${r.up.runs > 1 ? ', median (min–max)' : ''}: **${spreadText(r.up.ms)} ms**.`,
    '',
    '## Random drills',
    '',
    drillLine(r.drills),
    '',
  ].join('\n');
}
