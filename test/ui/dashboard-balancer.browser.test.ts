/**
 * The dashboard with a load balancer in front, in Debian's Chromium: the lb-failover drill
 * played live in real time and watched. The balancer panel shows each node's check as the
 * balancer sees it: first only the active up; after the kill, the new active put in rotation
 * and the dead one taken out (L4CON), with the connections the balancer sent each node.
 */
import { expect, it } from 'vitest';
import { describeDashboard, lookAt, shownActive, watchScenario } from '../helpers/dashboard-page.ts';

describeDashboard('the dashboard with a balancer in headless Chromium', (rig) => {
  it('watches lb-failover: the balancer panel puts the new active in rotation and takes the dead one out', async () => {
    let looked = false;
    let firstActive: string | undefined;
    const { report, seen } = await watchScenario(await rig.newPage(), 'lb-failover', async (page) => {
      const active = await shownActive(page);
      const rows: Record<string, string> = await page
        .locator('[data-balancer-node]')
        .evaluateAll((els) => Object.fromEntries(els.map((e) => [(e as any).dataset.balancerNode, (e as any).dataset.status])))
        .catch(() => ({}));
      firstActive ??= active ?? undefined;
      // Once a new active is in rotation, the panel must read cleanly at both sizes.
      if (!looked && active && active !== firstActive && rows[active] === 'UP') {
        looked = true;
        await lookAt(page, 'dashboard-balancer');
        expect(await page.locator('.balancer-about').textContent()).toMatch(
          /^built-in at http:\/\/127\.0\.0\.1:\d+: inter 2s fall 3 rise 2; only the active passes$/,
        );
      }
      return { active, rows };
    });
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
  }, 120_000);
});
