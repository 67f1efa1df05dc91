/**
 * The dashboard as a person uses it, in Debian's Chromium driven by playwright-core: it shows
 * the lab's nodes; a click on Kill on the active node shows a new active, which took over
 * within the lease and a second; the unseal lesson unseals a node with three shares typed into
 * its ring, and a wrong share resets the ring; a page of another origin cannot drive the lab.
 * Each view is checked for cut-off and overlapping text at a laptop's 1280×720 and a phone's
 * width, and its screenshot saved (into docs/img with VAULTLAB_SCREENSHOTS=docs/img, as the
 * README's pictures were taken).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runScenario } from '../../src/drill/index.ts';
import {
  dashboardUrl,
  readControlSecret,
  startLab,
  topologyNamed,
  watchCluster,
  type RunningLab,
  type WatchServer,
} from '../../src/lab/index.ts';
import { labDigest } from '../helpers/control-http.ts';
import { chromiumMissing, launchChromium } from '../helpers/headless-chromium.ts';
import { layoutProblems } from '../helpers/page-layout.ts';

const CI = Boolean(process.env.CI);
const missing = chromiumMissing();
if (missing && !CI) console.warn(`skipping the dashboard's browser tests: ${missing}`);

/** Where screenshots go: the README's folder when asked, else a scratch folder. */
const shots = process.env.VAULTLAB_SCREENSHOTS ?? join(tmpdir(), 'vaultlab-dashboard-shots');
mkdirSync(shots, { recursive: true });

/** Generous bounds: these machines are shared, and a test must pass under load. */
const SLOW = { timeout: 30_000 };

let browser: { context: BrowserContext; close(): Promise<void> };
let lab: RunningLab | undefined;
let home: string | undefined;

async function openLab(opts: { sealed?: boolean; topology?: string } = {}): Promise<{ page: Page; lab: RunningLab; url: string }> {
  home = await mkdtemp(join(tmpdir(), 'vaultlab-ui-'));
  const topology = opts.topology ? topologyNamed(opts.topology) : undefined;
  lab = await startLab({ nodes: 3, storage: 'memory', basePort: 0, controlPort: 0, home, sealed: opts.sealed, topology });
  const url = dashboardUrl(lab.control, readControlSecret(home)!);
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.goto(url);
  await expect.poll(() => page.locator('#connection').getAttribute('data-state'), SLOW).toBe('live');
  await expect.poll(() => page.locator('[data-node]').count(), SLOW).toBe(3);
  return { page, lab, url };
}

/** Checks the view reads cleanly at a laptop's size and a phone's, and saves both screenshots. */
async function lookAt(page: Page, name: string): Promise<void> {
  // One redraw of the moving parts after the last change.
  await page.waitForTimeout(400);
  expect(await layoutProblems(page), `${name} at 1280×720`).toEqual([]);
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForTimeout(400);
  expect(await layoutProblems(page), `${name} on a phone`).toEqual([]);
  await page.screenshot({ path: join(shots, `${name}-phone.png`), fullPage: true });
  await page.setViewportSize({ width: 1280, height: 720 });
}

const card = (page: Page, node: string) => page.locator(`[data-node="${node}"]`);

/** Types one share into a node's ring and presses Enter share, as a learner would. */
async function enterShare(page: Page, node: string, share: string): Promise<void> {
  await card(page, node).locator('[data-role="share"]').fill(share);
  await card(page, node).locator('[data-action="unseal"]').click();
}

describe.skipIf(Boolean(missing) && !CI)('the dashboard in headless Chromium', () => {
  beforeAll(async () => {
    if (missing) throw new Error(`the dashboard's browser tests need a browser in CI. ${missing}`);
    browser = await launchChromium();
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });
  afterEach(async () => {
    for (const p of browser?.context.pages() ?? []) await p.close();
    await lab?.close();
    lab = undefined;
    if (home) await rm(home, { recursive: true, force: true });
  });

  it('shows every node, and after a click on Kill on the active a new active that took over within the lease + 1 s', async () => {
    const { page, lab } = await openLab();
    await expect.poll(() => page.locator('body').getAttribute('data-active'), SLOW).toMatch(/^node\d$/);
    const first = (await page.locator('body').getAttribute('data-active'))!;
    expect(first).toBe(lab.cluster.active()?.name);
    expect(await card(page, first).locator('[data-role="mode"]').textContent()).toContain('active');
    await expect.poll(() => page.locator('.lock-panel').getAttribute('data-holder'), SLOW).toBe(first);
    // Clients on each path: straight to the active, through a standby that forwards, and one that answers 307.
    const [s1, s2] = lab.cluster.nodes.filter((n) => n.name !== first);
    const traffic = new AbortController();
    const token = lab.keys.root_token;
    const client = async (addr: string, headers: Record<string, string> = {}) => {
      while (!traffic.signal.aborted) {
        await fetch(`${addr}/v1/sys/mounts`, {
          headers: { 'x-vault-token': token, ...headers },
          redirect: 'manual',
          signal: traffic.signal,
        })
          .then((r) => r.arrayBuffer())
          .catch(() => undefined);
        await new Promise((r) => setTimeout(r, 25));
      }
    };
    const clients = [
      client(lab.cluster.get(first).apiAddr),
      client(s1.apiAddr),
      client(s2.apiAddr, { 'x-vault-no-request-forwarding': 'true' }),
    ];
    const routeCell = (node: string, column: number) => page.locator(`[data-requests-of="${node}"] td`).nth(column).textContent();
    try {
      await expect.poll(() => routeCell(first, 0), SLOW).toMatch(/^\d+p50/);
      await expect.poll(() => routeCell(s1.name, 1), SLOW).toMatch(/^\d+p50/);
      await expect.poll(() => routeCell(s2.name, 2), SLOW).toMatch(/^\d+p50/);
      await expect.poll(() => page.locator('.flow-line.forward.busy').count(), SLOW).toBe(1);
      await expect.poll(() => page.locator('.flow-line.redirect.busy').count(), SLOW).toBe(1);
      await lookAt(page, 'dashboard-live');
    } finally {
      traffic.abort();
      await Promise.all(clients);
    }

    await card(page, first).locator('[data-action="kill"]').click();
    await expect.poll(() => page.locator('body').getAttribute('data-active'), SLOW).toMatch(new RegExp(`^(?!${first}$)node\\d$`));
    const second = (await page.locator('body').getAttribute('data-active'))!;
    expect(await card(page, first).getAttribute('data-mode')).toBe('down');
    await expect.poll(() => page.locator('.lock-panel').getAttribute('data-holder'), SLOW).toBe(second);
    // The lab's own record of the failover, on its clock: the kill, then the new active's lock.
    const events = lab.cluster.timeline.events;
    const killed = events.find((e) => e.node === first && e.type === 'fault' && e.detail === 'kill')!;
    const tookOver = events.find(
      (e) => e.node === second && e.type === 'state' && e.detail === 'standby → active' && e.time >= killed.time,
    )!;
    expect(tookOver.time - killed.time).toBeLessThanOrEqual(lab.cluster.timings.lockTtlMs + 1000);
    await lookAt(page, 'dashboard-failover');
  }, 120_000);

  it('unseals a node with three shares typed into its ring, and a wrong share resets the ring', async () => {
    const { page, lab } = await openLab({ sealed: true });
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
    const { page, lab } = await openLab({ sealed: true });
    await page.locator('#key-holders-open').click();
    await expect.poll(() => page.locator('[data-holder-link]').count(), SLOW).toBe(5);
    const links = await page.locator('[data-holder-link]').evaluateAll((els) => els.map((e) => (e as unknown as { value: string }).value));
    const shares = lab.keys.keys;
    for (const [i, link] of links.slice(0, 3).entries()) {
      const holder = await browser.context.newPage();
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
    const forged = await browser.context.newPage();
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

      const { page } = await openLab();
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
      await expect.poll(() => page.locator('body').getAttribute('data-active'), SLOW).toBe(lab!.cluster.active()?.name);
      expect(await page.locator('[data-action="step-down"]').isVisible()).toBe(true);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);

  it('watches a scenario played live in real time: the kill, then the new active', async () => {
    const page = await browser.context.newPage();
    await page.setViewportSize({ width: 1280, height: 720 });
    let watching: WatchServer | undefined;
    const seen: Array<{ active: string | null; modes: string[] }> = [];
    const drill = runScenario('kill-active', {
      realTime: true,
      watch: async (cluster) => {
        watching = await watchCluster(cluster);
        await page.goto(watching.url);
        await expect.poll(() => watching!.watchers(), SLOW).toBe(1);
      },
    });
    let done = false;
    const finished = drill.finally(() => (done = true));
    try {
      while (!done) {
        const active = await page
          .locator('body')
          .getAttribute('data-active')
          .catch(() => null);
        const modes = await page
          .locator('[data-node]')
          .evaluateAll((els) => els.map((e) => `${(e as any).dataset.node}:${(e as any).dataset.mode}`))
          .catch(() => []);
        seen.push({ active, modes });
        await new Promise((r) => setTimeout(r, 50));
      }
      const report = await finished;
      expect(report.passed).toBe(true);
      const actives = [...new Set(seen.map((x) => x.active).filter((a): a is string => !!a))];
      // The page showed the first active, then another, and the first one down in between.
      expect(actives.length).toBeGreaterThanOrEqual(2);
      expect(seen.some((x) => x.modes.includes(`${actives[0]}:down`))).toBe(true);
    } finally {
      await finished.catch(() => undefined);
      await watching?.close();
    }
  }, 120_000);

  it("lays a fault on a link of the lab's topology and a timed partition on a node, and heals them", async () => {
    const { page, lab } = await openLab({ topology: 'three-zones' });
    expect(await page.locator('#network-title').textContent()).toBe('Network (three-zones)');
    await page.locator('select[aria-label="one end of the link"]').selectOption('node2');
    await page.locator('select[aria-label="the other end of the link"]').selectOption('client');
    await page.locator('input[aria-label="latency in ms"]').fill('40');
    await page.locator('[data-action="link-latency"]').click();
    const said = (detail: string) => lab.cluster.timeline.events.some((e) => e.type === 'fault' && e.detail === detail);
    await expect.poll(() => said('link node2–client: latency=40ms'), SLOW).toBe(true);
    await card(page, 'node3').locator('[data-action="fault-partition-peers"]').click();
    await expect.poll(() => lab.cluster.get('node3').forwarder.blocked, SLOW).toBe(true);
    await expect.poll(() => card(page, 'node3').locator('.badge').allTextContents(), SLOW).toContain('⚠ partition-peers');
    await page.locator('#heal').click();
    await expect.poll(() => lab.cluster.get('node3').forwarder.blocked, SLOW).toBe(false);
    await expect.poll(() => lab.cluster.network!.hasLinkFaults('node2'), SLOW).toBe(false);
  }, 120_000);

  it('refuses a page of another origin, and a page without the secret', async () => {
    const { lab } = await openLab();
    const before = labDigest(lab.cluster);
    // Another site on loopback, as any page the lab's user opens could be: it tries the verbs blind.
    const evil: Server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<!doctype html><title>elsewhere</title>');
    });
    await new Promise<void>((r) => evil.listen(0, '127.0.0.1', r));
    try {
      const page = await browser.context.newPage();
      await page.goto(`http://127.0.0.1:${(evil.address() as AddressInfo).port}/`);
      const outcomes = await page.evaluate(async (control) => {
        const tries: Array<[string, RequestInit]> = [
          ['/step-down', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' }],
          ['/kill', { method: 'POST', mode: 'no-cors', headers: { 'content-type': 'text/plain' }, body: '{"node":"node1"}' }],
          ['/events', {}],
        ];
        const out: string[] = [];
        for (const [path, init] of tries) {
          try {
            const r = await fetch(control + path, init);
            out.push(`${path}: ${r.type} ${r.status}`);
          } catch (err) {
            out.push(`${path}: refused (${(err as Error).name})`);
          }
        }
        return out;
      }, lab.control);
      // A JSON POST needs a preflight, which is refused; the no-cors one reaches the lab and is refused there (opaque to the page).
      expect(outcomes).toEqual(['/step-down: refused (TypeError)', '/kill: opaque 0', '/events: refused (TypeError)']);
      expect(labDigest(lab.cluster)).toBe(before);

      const bare = await browser.context.newPage();
      await bare.goto(`${lab.control}/ui/`);
      await expect.poll(() => bare.locator('#connection').getAttribute('data-state'), SLOW).toBe('refused');
      expect(await bare.locator('#problem').textContent()).toContain('vaultlab ui');
      expect(await bare.locator('[data-node]').count()).toBe(0);
    } finally {
      // The browser keeps its connection alive; close it too, or close() waits for the browser's idle timeout.
      evil.closeAllConnections();
      await new Promise((r) => evil.close(r));
    }
    expect(labDigest(lab.cluster)).toBe(before);
  }, 120_000);
});
