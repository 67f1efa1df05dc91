/**
 * The dashboard's browser tests' rig: Debian's Chromium through playwright-core (one browser per
 * test file, a fresh lab per test), and what every test does with a page: open a lab's
 * dashboard, check a view reads cleanly at a laptop's 1280×720 and a phone's width (no cut-off or
 * overlapping text) and save its screenshots (into docs/img with VAULTLAB_SCREENSHOTS=docs/img,
 * as the README's pictures were taken), find a node's card, type a share into its ring, and watch a
 * scenario played live.
 */
import { mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect } from 'vitest';
import { runScenario, type ScenarioReport } from '../../src/drill/index.ts';
import {
  dashboardUrl,
  readControlSecret,
  startLab,
  topologyNamed,
  watchCluster,
  watchProcessLab,
  type RunningLab,
  type WatchServer,
} from '../../src/lab/index.ts';
import { chromiumMissing, launchChromium } from './headless-chromium.ts';
import { layoutProblems } from './page-layout.ts';

const CI = Boolean(process.env.CI);
const missing = chromiumMissing();

/** Where screenshots go: the README's folder when asked, else a scratch folder. */
const shots = process.env.VAULTLAB_SCREENSHOTS ?? join(tmpdir(), 'vaultlab-dashboard-shots');

/** Generous bounds: these machines are shared, and a test must pass under load. */
export const SLOW = { timeout: 30_000 };

/** What a test of the dashboard gets from the rig. */
export interface DashboardRig {
  /** A new tab of the file's browser (closed after the test). */
  newPage(): Promise<Page>;
  /** Starts a 3-node memory lab (closed after the test) and opens its dashboard, live, at 1280×720. */
  openLab(opts?: { sealed?: boolean; topology?: string }): Promise<{ page: Page; lab: RunningLab; url: string }>;
}

/**
 * A describe block with the browser and the per-test lab: skipped with a warning where Chromium
 * is missing, failing in CI (which installs it).
 */
export function describeDashboard(name: string, body: (rig: DashboardRig) => void): void {
  if (missing && !CI) console.warn(`skipping the dashboard's browser tests: ${missing}`);
  describe.skipIf(Boolean(missing) && !CI)(name, () => {
    let browser: { context: BrowserContext; close(): Promise<void> };
    let lab: RunningLab | undefined;
    let home: string | undefined;
    beforeAll(async () => {
      if (missing) throw new Error(`the dashboard's browser tests need a browser in CI. ${missing}`);
      mkdirSync(shots, { recursive: true });
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
    body({
      newPage: () => browser.context.newPage(),
      openLab: async (opts = {}) => {
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
      },
    });
  });
}

/** Checks the view reads cleanly at a laptop's size and a phone's, and saves both screenshots. */
export async function lookAt(page: Page, name: string): Promise<void> {
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

/** A node's card on the page. */
export const card = (page: Page, node: string) => page.locator(`[data-node="${node}"]`);

/** Types one share into a node's ring and presses Enter share, as a learner would. */
export async function enterShare(page: Page, node: string, share: string): Promise<void> {
  await card(page, node).locator('[data-role="share"]').fill(share);
  await card(page, node).locator('[data-action="unseal"]').click();
}

/**
 * Plays a scenario in real time (in one process, or on node processes and etcd) with a page
 * watching it (the drill starts once the page follows it), and samples the page every 50 ms
 * until the drill ends: the report and every sample.
 */
export async function watchScenario<T>(
  page: Page,
  name: string,
  sample: (page: Page) => Promise<T>,
  o: { processes?: boolean } = {},
): Promise<{ report: ScenarioReport; seen: T[] }> {
  await page.setViewportSize({ width: 1280, height: 720 });
  let watching: WatchServer | undefined;
  const seen: T[] = [];
  const attach = async (serve: () => Promise<WatchServer>) => {
    watching = await serve();
    await page.goto(watching.url);
    await expect.poll(() => watching!.watchers(), SLOW).toBe(1);
  };
  const drill = runScenario(
    name,
    o.processes
      ? { processes: true, watchProcesses: (lab, access) => attach(() => watchProcessLab(lab, access)) }
      : { realTime: true, watch: (cluster) => attach(() => watchCluster(cluster)) },
  );
  let done = false;
  const finished = drill.finally(() => (done = true));
  try {
    while (!done) {
      seen.push(await sample(page));
      await new Promise((r) => setTimeout(r, 50));
    }
    return { report: await finished, seen };
  } finally {
    await finished.catch(() => undefined);
    await watching?.close();
  }
}

/** Which node the page shows active (null while none is). */
export const shownActive = (page: Page) =>
  page
    .locator('body')
    .getAttribute('data-active')
    .catch(() => null);
