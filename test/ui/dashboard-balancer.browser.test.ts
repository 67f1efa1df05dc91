/**
 * The dashboard with a load balancer in front, in Debian's Chromium: the lb-failover drill
 * played live in real time and watched. The balancer panel shows each node's check as the
 * balancer sees it: first only the active up; after the kill, the new active put in rotation
 * and the dead one taken out (L4CON), with the connections the balancer sent each node.
 */
import { expect, it } from 'vitest';
import { runScenario } from '../../src/drill/index.ts';
import { watchCluster, type WatchServer } from '../../src/lab/index.ts';
import { describeDashboard, lookAt, SLOW } from '../helpers/dashboard-page.ts';

describeDashboard('the dashboard with a balancer in headless Chromium', (rig) => {
  it('watches lb-failover: the balancer panel puts the new active in rotation and takes the dead one out', async () => {
    const page = await rig.newPage();
    await page.setViewportSize({ width: 1280, height: 720 });
    let watching: WatchServer | undefined;
    const seen: Array<{ active: string | null; rows: Record<string, string> }> = [];
    const drill = runScenario('lb-failover', {
      realTime: true,
      watch: async (cluster) => {
        watching = await watchCluster(cluster);
        await page.goto(watching.url);
        await expect.poll(() => watching!.watchers(), SLOW).toBe(1);
      },
    });
    let done = false;
    let looked = false;
    const finished = drill.finally(() => (done = true));
    try {
      while (!done) {
        const active = await page
          .locator('body')
          .getAttribute('data-active')
          .catch(() => null);
        const rows = await page
          .locator('[data-balancer-node]')
          .evaluateAll((els) => Object.fromEntries(els.map((e) => [(e as any).dataset.balancerNode, (e as any).dataset.status])))
          .catch(() => ({}));
        seen.push({ active, rows });
        // Once the new active is in rotation, the panel must read cleanly at both sizes.
        const first = seen.find((x) => x.active)?.active;
        if (!looked && first && active && active !== first && rows[active] === 'UP') {
          looked = true;
          await lookAt(page, 'dashboard-balancer');
          const about = await page.locator('.balancer-about').textContent();
          expect(about).toMatch(/^built-in at http:\/\/127\.0\.0\.1:\d+: inter 2s fall 3 rise 2; only the active passes$/);
        }
        await new Promise((r) => setTimeout(r, 50));
      }
      const report = await finished;
      expect(report.passed, report.summary).toBe(true);
      const first = seen.find((x) => x.active)!.active!;
      // Before the kill: the active alone in rotation, the standbys out.
      expect(seen.some((x) => x.rows[first] === 'UP' && Object.entries(x.rows).every(([n, st]) => (n === first) === (st === 'UP')))).toBe(
        true,
      );
      // After it: another node active and in rotation, the dead one out.
      const next = seen.map((x) => x.active).find((a) => a && a !== first)!;
      expect(next).toBeDefined();
      expect(seen.some((x) => x.rows[next] === 'UP' && x.rows[first] === 'DOWN')).toBe(true);
      expect(looked).toBe(true);
    } finally {
      await finished.catch(() => undefined);
      await watching?.close();
    }
  }, 120_000);
});
