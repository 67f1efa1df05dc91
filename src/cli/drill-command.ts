/** `vaultlab drill --list | NAME [--seed S] [--report DIR] | --random N --seed S`: failover drills in virtual time. */
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { randomSpec } from '../drill/drill-spec.ts';
import { runDrill } from '../drill/drill-runner.ts';
import { summary, writeDrillReport } from '../drill/drill-report.ts';
import { specOf, type Scenario } from '../drill/scenario.ts';
import { out, UsageError } from './output.ts';

type Run = (fn: () => Promise<number>) => void;

/** The scenario catalogue lives in scenarios/ (data beside the code), loaded by path. */
async function catalogue(): Promise<Scenario[]> {
  const url = new URL('../../scenarios/index.ts', import.meta.url);
  return ((await import(fileURLToPath(url))) as { SCENARIOS: Scenario[] }).SCENARIOS;
}

/** Registers `drill`. */
export function registerDrill(program: Command, run: Run): void {
  program
    .command('drill')
    .argument('[name]', 'a scenario (see --list)')
    .description('play a failover drill in virtual time and check the history for violations')
    .option('--list', 'list the scenarios')
    .option('--seed <n>', 'the seed (same seed, same drill)', '1')
    .option('--random <n>', 'run N random drills (3–5 nodes, 1–5 faults each)')
    .option('--report <dir>', 'write drill.json, drill.md and timeline.svg here')
    .option('--real-time', 'run on real timers, real sockets and the level backend instead of virtual time')
    .action((name: string | undefined, o: { list?: boolean; seed: string; random?: string; report?: string; realTime?: boolean }) =>
      run(async () => {
        const scenarios = await catalogue();
        if (o.list) {
          for (const s of scenarios) out(`${s.name.padEnd(24)} ${s.description}`);
          return 0;
        }
        const seed = Number(o.seed);
        if (o.random) {
          let bad = 0;
          const n = Number(o.random);
          for (let i = 0; i < n; i++) {
            const r = await runDrill(randomSpec(seed + i));
            if (r.violation) {
              bad++;
              out(summary(`random #${i}`, r));
              if (o.report) writeDrillReport(o.report, `random-${seed + i}`, r);
            }
          }
          out(`${n} random drills from seed ${seed}: ${bad} with violations`);
          return bad ? 2 : 0;
        }
        const s = scenarios.find((x) => x.name === name);
        if (!s) throw new UsageError(`unknown drill ${JSON.stringify(name ?? '')}: see "vaultlab drill --list"`);
        const r = await runDrill(specOf(s, seed), { realTime: o.realTime });
        out(summary(s.name, r).replace('(virtual)', o.realTime ? '(wall clock)' : '(virtual)'));
        if (o.report) writeDrillReport(o.report, s.name, r, s.description);
        if (r.violation) for (const e of r.violation.events) out(`  ${JSON.stringify(e)}`);
        return r.violation && !s.expectViolation ? 2 : !r.violation && s.expectViolation ? 2 : 0;
      }),
    );
}
