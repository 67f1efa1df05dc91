/**
 * The dashboard of a process lab (`up --processes`), in Debian's Chromium: three `vaultlab
 * server` processes on a three-member etcd the lab starts, shown from the same event stream as
 * an in-process lab. The page shows each node's pid and etcd's members with their health and
 * leader; a click on Kill on the active SIGKILLs its process (it is gone from the machine), the
 * page shows it down and a new active holding the lock; the killed node restarts with a new
 * pid and is unsealed share by share through its ring; an etcd member killed and restarted, and
 * etcd's quorum lost and healed, show in the etcd panel as they happen. And a drill on processes
 * (`drill kill-active --processes --watch`) watched as it plays.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterEach, expect, it } from 'vitest';
import { LAB_TIMINGS } from '../../src/ha/index.ts';
import { dashboardUrl, readControlSecret, startProcessLab, type RunningProcessLab } from '../../src/lab/index.ts';
import { card, describeDashboard, enterShare, lookAt, shownActive, watchScenario } from '../helpers/dashboard-page.ts';
import { alive } from '../helpers/pid-alive.ts';

/** Real processes and a real etcd on a shared machine: generous. */
const EVENTUALLY = { timeout: 60_000, interval: 100 };

let run: RunningProcessLab | undefined;
let home: string | undefined;

afterEach(async () => {
  await run?.close();
  run = undefined;
  if (home) await rm(home, { recursive: true, force: true });
}, 60_000);

const member = (page: Page, name: string) => page.locator(`[data-etcd-member="${name}"]`);
const processText = (page: Page, node: string) => card(page, node).locator('[data-role="process"]').textContent();

describeDashboard('the dashboard of a process lab in headless Chromium', (rig) => {
  it('shows pids and etcd, and after a click on Kill on the active process a new active; etcd faults as they happen', async () => {
    home = await mkdtemp(join(tmpdir(), 'vaultlab-ui-processes-'));
    run = await startProcessLab({ nodes: 3, storage: 'etcd', home, basePort: 0, controlPort: 0, profile: 'lab', timings: LAB_TIMINGS });
    const { lab } = run;
    const page = await rig.newPage();
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.goto(dashboardUrl(run.control, readControlSecret(home)!));
    await expect.poll(() => page.locator('#connection').getAttribute('data-state'), EVENTUALLY).toBe('live');
    await expect.poll(() => page.locator('[data-node]').count(), EVENTUALLY).toBe(3);

    // Each node's own pid, etcd's three members healthy under one leader, the active as the lab finds it.
    for (const n of lab.nodes) await expect.poll(() => processText(page, n.o.name), EVENTUALLY).toBe(`pid ${n.pid}`);
    await expect.poll(() => page.locator('[data-etcd-member][data-healthy="true"]').count(), EVENTUALLY).toBe(3);
    await expect.poll(() => page.locator('[data-etcd-member][data-leader="true"]').count(), EVENTUALLY).toBe(1);
    expect(await page.locator('[data-role="quorum"]').textContent()).toBe('quorum: 3 of 3 healthy (2 needed)');
    await expect.poll(() => shownActive(page), EVENTUALLY).toMatch(/^node\d$/);
    const first = (await shownActive(page))!;
    expect((await lab.active())?.o.name).toBe(first);
    await expect.poll(() => page.locator('.lock-panel').getAttribute('data-holder'), EVENTUALLY).toBe(first);
    // The lease counts down between the renewals the active's own log reports.
    await expect.poll(() => page.locator('[data-role="lease"]').textContent(), EVENTUALLY).toMatch(/^lease: .+ left of 1\.0 s$/);
    await expect.poll(() => page.locator('.renewed').textContent(), EVENTUALLY).toMatch(/^renewed \d+ ms ago/);
    // What a process lab cannot do is not offered.
    expect(await card(page, first).locator('[data-action="fault-partition-peers"]').isHidden()).toBe(true);
    expect(await page.locator('#slow-storage').isHidden()).toBe(true);

    // Kill on the active: a SIGKILL of its process, which is gone; a new active holds the lock.
    const killedPid = lab.node(first)!.pid!;
    await card(page, first).locator('[data-action="kill"]').click();
    await expect.poll(() => shownActive(page), EVENTUALLY).toMatch(new RegExp(`^(?!${first}$)node\\d$`));
    const second = (await shownActive(page))!;
    await expect.poll(() => card(page, first).getAttribute('data-mode'), EVENTUALLY).toBe('down');
    expect(await processText(page, first)).toBe('no process');
    expect(alive(killedPid)).toBe(false);
    await expect.poll(() => page.locator('.lock-panel').getAttribute('data-holder'), EVENTUALLY).toBe(second);
    // The narration tells the kill, the process's exit, and the new active, from the lab and the nodes' own logs.
    const narrated = async () => (await page.locator('#narration li').allTextContents()).join('\n');
    await expect.poll(narrated, EVENTUALLY).toContain(`${first} fault kill`);
    expect(await narrated()).toContain(`${first} process pid ${killedPid} exited (SIGKILL)`);
    await expect.poll(narrated, EVENTUALLY).toContain(`${second} state standby → active`);
    const events = lab.timeline.events;
    const killed = events.find((e) => e.node === first && e.type === 'fault' && e.detail === 'kill')!;
    const tookOver = events.find((e) => e.node === second && e.type === 'state' && e.detail === 'standby → active')!;
    expect(tookOver.time).toBeGreaterThan(killed.time);
    await lookAt(page, 'dashboard-processes-failover');

    // Restart: a new process, sealed; three shares typed into its ring unseal it into a standby.
    await card(page, first).locator('[data-action="restart"]').click();
    await expect.poll(() => card(page, first).getAttribute('data-mode'), EVENTUALLY).toBe('sealed');
    const newPid = lab.node(first)!.pid!;
    expect(newPid).not.toBe(killedPid);
    await expect.poll(() => processText(page, first), EVENTUALLY).toBe(`pid ${newPid}`);
    for (const share of run.keys.keys.slice(0, 3)) await enterShare(page, first, share);
    await expect.poll(() => card(page, first).getAttribute('data-mode'), EVENTUALLY).toBe('standby');

    // An etcd member that does not lead: killed, it shows stopped and unhealthy while the quorum holds; restarted, healthy.
    const follower = (await page.locator('[data-etcd-member][data-leader="false"]').first().getAttribute('data-etcd-member'))!;
    await member(page, follower).locator('[data-action="etcd-kill"]').click();
    await expect.poll(() => member(page, follower).getAttribute('data-state'), EVENTUALLY).toBe('stopped');
    expect(await member(page, follower).getAttribute('data-healthy')).toBe('false');
    await expect.poll(() => page.locator('[data-role="quorum"]').textContent(), EVENTUALLY).toBe('quorum: 2 of 3 healthy (2 needed)');
    await lookAt(page, 'dashboard-processes-etcd-member');
    await member(page, follower).locator('[data-action="etcd-restart"]').click();
    await expect.poll(() => member(page, follower).getAttribute('data-healthy'), EVENTUALLY).toBe('true');

    // The quorum lost: the panel says so and no node stays active; Heal brings the members back and an active with them.
    await page.locator('[data-action="etcd-quorum"]').click();
    await expect.poll(() => page.locator('[data-role="quorum"]').getAttribute('data-quorum'), EVENTUALLY).toBe('false');
    await expect.poll(() => shownActive(page), EVENTUALLY).toBe('');
    await page.locator('#heal').click();
    await expect.poll(() => page.locator('[data-role="quorum"]').getAttribute('data-quorum'), EVENTUALLY).toBe('true');
    await expect.poll(() => shownActive(page), EVENTUALLY).toMatch(/^node\d$/);
  }, 300_000);

  it('watches kill-active played on node processes: the first active, then its process killed and another active', async () => {
    const { report, seen } = await watchScenario(
      await rig.newPage(),
      'kill-active',
      async (page) => ({
        active: await shownActive(page),
        modes: await page
          .locator('[data-node]')
          .evaluateAll((els) => els.map((e) => (e as unknown as { dataset: Record<string, string> }).dataset))
          .then((sets) => sets.map((d) => `${d.node}:${d.mode}`))
          .catch(() => [] as string[]),
      }),
      { processes: true },
    );
    expect(report.passed).toBe(true);
    const actives = [...new Set(seen.map((x) => x.active).filter((a): a is string => !!a))];
    expect(actives.length).toBeGreaterThanOrEqual(2);
    expect(seen.some((x) => x.modes.includes(`${actives[0]}:down`))).toBe(true);
  }, 180_000);
});
