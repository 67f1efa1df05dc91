/**
 * The dashboard as a teacher uses it, in Debian's Chromium driven by playwright-core: the unseal
 * lesson unseals a node with three shares typed into its ring and a wrong share resets the ring;
 * key holders each see only their share and together unseal a node; a drill report replays; a
 * drill played in real time is watched live.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { runScenario } from '../../src/drill/index.ts';
import { card, describeDashboard, enterShare, lookAt, shownActive, SLOW, watchScenario } from '../helpers/dashboard-page.ts';

describeDashboard('the dashboard lessons in headless Chromium', (rig) => {
  it('unseals a node with three shares typed into its ring, and a wrong share resets the ring', async () => {
    const { page, lab } = await rig.openLab({ sealed: true });
    const shares = lab.keys.keys;
    const progress = (node: string) => card(page, node).locator('[data-role="progress"]').textContent();
    for (const node of ['node1', 'node2', 'node3']) expect(await card(page, node).getAttribute('data-mode')).toBe('sealed');

    await enterShare(page, 'node1', shares[0]);
    await expect.poll(() => progress('node1'), SLOW).toBe('1/3 keys provided');
    await enterShare(page, 'node1', shares[1]);
    await expect.poll(() => progress('node1'), SLOW).toBe('2/3 keys provided');
    // Progress is per node: node2's ring has not moved.
    expect(await progress('node2')).toBe('0/3 keys provided');
    // The nonce comes with the status that follows the progress event.
    await expect.poll(() => card(page, 'node1').locator('[data-role="nonce"]').textContent(), SLOW).toMatch(/^nonce [0-9a-f]{8}…$/);
    await lookAt(page, 'dashboard-unseal');
    await enterShare(page, 'node1', shares[2]);
    await expect.poll(() => card(page, 'node1').getAttribute('data-mode'), SLOW).toMatch(/^(standby|active)$/);
    expect(lab.cluster.get('node1').node.state).toMatch(/^(standby|active)$/);

    // node2: two good shares, then one of the right shape that is no share of this key.
    await enterShare(page, 'node2', shares[0]);
    await enterShare(page, 'node2', shares[3]);
    await expect.poll(() => progress('node2'), SLOW).toBe('2/3 keys provided');
    const wrong = (Number.parseInt(shares[4].slice(0, 2), 16) ^ 0xff).toString(16).padStart(2, '0') + shares[4].slice(2);
    await enterShare(page, 'node2', wrong);
    await expect.poll(() => card(page, 'node2').locator('[data-role="unseal-message"]').textContent(), SLOW).not.toBe('');
    await expect.poll(() => progress('node2'), SLOW).toBe('0/3 keys provided');
    expect(await card(page, 'node2').getAttribute('data-mode')).toBe('sealed');
    expect(lab.cluster.get('node2').node.state).toBe('sealed');
  }, 120_000);

  it('hands each key holder a link that shows only their share, and three holders unseal a node', async () => {
    const { page, lab } = await rig.openLab({ sealed: true });
    await page.locator('#key-holders-open').click();
    await expect.poll(() => page.locator('[data-holder-link]').count(), SLOW).toBe(5);
    const links = await page.locator('[data-holder-link]').evaluateAll((els) => els.map((e) => (e as unknown as { value: string }).value));
    const shares = lab.keys.keys;
    for (const [i, link] of links.slice(0, 3).entries()) {
      const holder = await rig.newPage();
      await holder.goto(link);
      await expect.poll(() => holder.locator('#holder-title').textContent(), SLOW).toBe(`Key holder ${i + 1} of 5`);
      expect(await holder.locator('#my-share').inputValue()).toBe(shares[i]);
      const html = await holder.content();
      for (const other of shares.filter((_, j) => j !== i)) expect(html).not.toContain(other);
      if (i === 1) await lookAt(holder, 'dashboard-key-holder');
      await expect.poll(() => holder.locator('[data-holder-node="node1"] button').isEnabled(), SLOW).toBe(true);
      await holder.locator('[data-holder-node="node1"] button').click();
      const expected = i < 2 ? `${i + 1}/3 keys provided` : '';
      if (expected) await expect.poll(() => card(page, 'node1').locator('[data-role="progress"]').textContent(), SLOW).toBe(expected);
    }
    await expect.poll(() => card(page, 'node1').getAttribute('data-mode'), SLOW).toMatch(/^(standby|active)$/);
    expect(await card(page, 'node2').getAttribute('data-mode')).toBe('sealed');

    // A link whose token was not made for this lab shows nothing.
    const forged = await rig.newPage();
    await forged.goto(links[3].replace(/\.[A-Za-z0-9_-]+$/, '.AAAA'));
    await expect.poll(() => forged.locator('#problem').textContent(), SLOW).toContain('not valid');
    expect(await forged.locator('#my-share').inputValue()).toBe('');
  }, 120_000);

  it('replays a drill report: scrubbed before the kill it shows the first active, at the end the new one, and it plays', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vaultlab-ui-drill-'));
    try {
      await runScenario('kill-active', { reportDir: dir });
      const replay = JSON.parse(readFileSync(join(dir, 'drill.json'), 'utf8')).replay;
      const kill = replay.events.find((e: { type: string; detail: string }) => e.type === 'fault' && e.detail === 'kill');
      const actives = replay.events.filter((e: { detail: string }) => e.detail === 'standby → active').map((e: { node: string }) => e.node);
      const [first, last] = [actives[0], actives.at(-1)];
      expect(first).toBe(kill.node);
      expect(last).not.toBe(first);

      const { page, lab } = await rig.openLab();
      await page.setInputFiles('#report-file', join(dir, 'drill.json'));
      await expect.poll(() => page.locator('[data-role="replay-title"]').textContent(), SLOW).toBe('Replay: kill-active (seed 1): PASS');
      const scrubTo = async (t: number) => {
        await page.locator('[data-role="scrub"]').fill(String(Math.floor(((t - replay.start) / (replay.end - replay.start)) * 1000)));
      };
      await scrubTo(kill.time - 50);
      await expect.poll(() => page.locator('body').getAttribute('data-active'), SLOW).toBe(first);
      await scrubTo(replay.end);
      await expect.poll(() => page.locator('body').getAttribute('data-active'), SLOW).toBe(last);
      expect(await page.locator('.req-failed').count()).toBeGreaterThan(0);
      await lookAt(page, 'dashboard-replay');

      // Played from the start at 4×, it reaches the end on its own.
      await scrubTo(replay.start);
      await page.locator('select[aria-label="replay speed"]').selectOption('4');
      await page.locator('[data-action="play"]').click();
      await expect.poll(() => page.locator('[data-action="play"]').getAttribute('aria-pressed'), { timeout: 60_000 }).toBe('false');
      expect(await page.locator('body').getAttribute('data-active')).toBe(last);
      // Back to live: the lab's own nodes again, and its verbs.
      await page.locator('[data-action="live"]').click();
      await expect.poll(() => page.locator('body').getAttribute('data-active'), SLOW).toBe(lab.cluster.active()?.name);
      expect(await page.locator('[data-action="step-down"]').isVisible()).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('watches a scenario played live in real time: the kill, then the new active', async () => {
    const { report, seen } = await watchScenario(await rig.newPage(), 'kill-active', async (page) => ({
      active: await shownActive(page),
      modes: await page
        .locator('[data-node]')
        .evaluateAll((els) => els.map((e) => `${(e as any).dataset.node}:${(e as any).dataset.mode}`))
        .catch(() => [] as string[]),
    }));
    expect(report.passed).toBe(true);
    const actives = [...new Set(seen.map((x) => x.active).filter((a): a is string => !!a))];
    // The page showed the first active, then another, and the first one down in between.
    expect(actives.length).toBeGreaterThanOrEqual(2);
    expect(seen.some((x) => x.modes.includes(`${actives[0]}:down`))).toBe(true);
  }, 120_000);
});
