/**
 * ratios.svg as a person sees it: headless Chromium renders the chart, built from the committed
 * result set and from a stress set of long names and a wide range, to PNG, and reads back where
 * every text landed. No text may leave the canvas, touch another text, or be crossed by a bar,
 * whisker, target mark or grid line; the chart has a title and a legend for each mark.
 */
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { svgChart } from '../../bench/ratio-chart.ts';
import { withLatencyUnit, type LegacySample } from '../../bench/rewrite-report.ts';
import { ratios, type Ratio } from '../../bench/summary.ts';
import type { Sample } from '../../bench/throughput.ts';
import { chromiumMissing, launchChromium } from '../helpers/headless-chromium.ts';

interface Box {
  kind: string;
  label: string;
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** The ratios of the committed result set, recomputed from its samples as the bench computes them. */
function committedRatios(): Ratio[] {
  const json = JSON.parse(readFileSync(new URL('../../bench/results/results.json', import.meta.url), 'utf8'));
  return ratios((json.samples as Array<Sample | LegacySample>).map(withLatencyUnit));
}

/** Names of wide glyphs and a whisker far past 1.0, so the margins and the axis are stretched. */
function stretchedRatios(): Ratio[] {
  const long = (name: string, median: number, max: number, pass?: boolean): Ratio => ({
    name,
    median,
    min: median / 2,
    max,
    ...(pass === undefined ? {} : { target: '≥ 0.85', targetValue: 0.85, pass }),
  });
  return [
    ...committedRatios(),
    long('level: WRITE-MOSTLY MIXED WORKLOAD / memory, with sync, uncached, noble (c10, same client)', 4.2, 6.9, true),
    long('memory: mmmm wwww / MMMM WWWW read, both uncached (c10)', 0.31, 0.5, false),
    long('x', 0.02, 0.03),
  ];
}

/** Ratios whose whiskers all end at or below 1.0: the axis stops at 1.0, beside the median column. */
function atMostOne(): Ratio[] {
  return [
    {
      name: 'memory: KV read uniform / baseline (c10)',
      median: 0.25,
      min: 0.2,
      max: 0.31,
      target: '≥ 0.40',
      targetValue: 0.4,
      pass: false,
    },
    { name: 'level / memory KV write, 1,000 keys (c10)', median: 0.85, min: 0.7, max: 1.0 },
  ];
}

const CI = Boolean(process.env.CI);
/** A folder to keep the rendered PNGs in, to look at them; by default they go to a temporary folder that is removed. */
const KEEP = process.env.VAULTLAB_RENDER_DIR;
const slug = (s: string) => s.replace(/[^a-z0-9]+/gi, '-');
const missing = chromiumMissing();
if (missing && !CI) console.warn(`skipping the ratios.svg render test: ${missing}`);

/** Every text and every mark (path or rect but the white background), in canvas pixels. */
async function boxes(page: Page): Promise<{ width: number; height: number; all: Box[] }> {
  return page.evaluate(() => {
    const svg = (globalThis as any).document.querySelector('svg');
    const canvas = svg.getBoundingClientRect();
    const box = (kind: string, e: any) => {
      const r = e.getBoundingClientRect();
      const label = kind === 'text' ? e.textContent : e.outerHTML.slice(0, 100);
      return {
        kind,
        label,
        left: r.left - canvas.left,
        top: r.top - canvas.top,
        right: r.right - canvas.left,
        bottom: r.bottom - canvas.top,
      };
    };
    const marks = [...svg.querySelectorAll('path, rect, line, polyline, polygon, circle, ellipse')].filter(
      (e: any) => e.getAttribute('width') !== '100%',
    );
    const texts = [...svg.querySelectorAll('text')];
    return { width: canvas.width, height: canvas.height, all: [...texts.map((t) => box('text', t)), ...marks.map((m) => box('mark', m))] };
  });
}

const overlaps = (a: Box, b: Box) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;

/** The PNG's width and height, from its IHDR chunk. */
const pngSize = (png: Buffer) => ({ width: png.readUInt32BE(16), height: png.readUInt32BE(20) });

describe.skipIf(Boolean(missing) && !CI)('ratios.svg rendered in headless Chromium', () => {
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  let out: string;
  beforeAll(async () => {
    if (missing) return;
    browser = await launchChromium();
    if (KEEP) await mkdir(KEEP, { recursive: true });
    out = KEEP ?? (await mkdtemp(join(tmpdir(), 'vaultlab-ratios-png-')));
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    if (out && !KEEP) await rm(out, { recursive: true, force: true });
  });

  for (const [name, make] of [
    ['the committed result set', committedRatios],
    ['long names and a ratio near 7', stretchedRatios],
    ['every ratio at or below 1.0, so 1.0 ends the axis', atMostOne],
  ] as const) {
    it(`${name}: every text inside the canvas, none touching another or crossed by a mark`, async () => {
      if (missing) throw new Error(`the ratios.svg render test needs a browser in CI. ${missing}`);
      const svg = svgChart(make());
      const page = await browser.context.newPage();
      try {
        await page.setViewportSize({ width: 2400, height: 1600 });
        await page.setContent(`<body style="margin:0">${svg}</body>`);
        const png = join(out, `ratios-${slug(name)}.png`);
        await writeFile(png.replace(/png$/, 'svg'), svg);
        await page.locator('svg').screenshot({ path: png });
        const { width, height, all } = await boxes(page);
        expect(pngSize(await readFile(png))).toEqual({ width: Math.round(width), height: Math.round(height) });
        const texts = all.filter((b) => b.kind === 'text');
        const marks = all.filter((b) => b.kind === 'mark');
        const outside = texts.filter((t) => t.left < 0 || t.top < 0 || t.right > width || t.bottom > height);
        expect(outside, `texts leaving the ${width}×${height} canvas`).toEqual([]);
        const clashes = texts.flatMap((t, i) =>
          [...texts.slice(i + 1), ...marks].filter((o) => overlaps(t, o)).map((o) => `${t.label} × ${o.label}`),
        );
        expect(clashes, 'texts touching another text or crossed by a mark').toEqual([]);
        const words = texts.map((t) => t.label).join('\n');
        expect(words).toMatch(/throughput ratios/);
        for (const meaning of ['median, meets its target', 'misses its target', 'no target', 'whisker: min–max', 'target'])
          expect(words).toContain(meaning);
        expect((await readFile(png)).subarray(1, 4).toString()).toBe('PNG');
      } finally {
        await page.close();
      }
    }, 60_000);
  }
});
