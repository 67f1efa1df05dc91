/**
 * ratios.svg: a horizontal bar chart of the throughput ratios, with a title and a legend.
 * The SVG is drawn without a browser, so text widths are estimated from conservative per-glyph
 * widths (wider than DejaVu Sans, the widest common sans-serif): every margin is computed from
 * the longest text it must hold, and the canvas grows to hold the value labels, never clips them.
 */
import type { Ratio } from './summary.ts';

const PAD = 16;
const FONT = 12;
const TITLE_FONT = 15;
const SMALL_FONT = 11;
const ROW = 28;
const BAR = 16;
const PLOT_W = 420;
const COLOURS = { pass: '#15803d', miss: '#b91c1c', none: '#6b7280' };
const WHISKER = '#111';
const TARGET = '#1d4ed8';

/** Em widths, rounded up: DejaVu Sans draws m and w near 1 em, digits and most lowercase near 0.64 em, ≥ near 0.84 em. */
function glyphEm(ch: string): number {
  if ('mwMW@%'.includes(ch)) return 1.0;
  if ('≥≤−–—µ÷'.includes(ch)) return 0.9;
  if (ch >= 'A' && ch <= 'Z') return 0.78;
  return 0.66;
}

/** A width no renderer's sans-serif should exceed for this text. */
function estimateTextWidth(text: string, fontSize: number): number {
  return [...text].reduce((w, ch) => w + glyphEm(ch) * fontSize, 0);
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const n1 = (v: number) => (Math.round(v * 10) / 10).toString();

function text(x: number, y: number, s: string, size = FONT, attrs = ''): string {
  return `<text x="${n1(x)}" y="${n1(y)}" font-size="${size}"${attrs ? ` ${attrs}` : ''}>${esc(s)}</text>`;
}

/** The ratios the chart shows: those of req/s (the µs deltas have another unit) that were measured. */
function chartRows(ratios: Ratio[]): Ratio[] {
  return ratios.filter((r) => !r.name.includes('µs') && Number.isFinite(r.median));
}

/**
 * The axis runs from 0 to the first tick at or past every whisker end, target and 1.0; ticks every
 * 0.5 up to 3, else at whole steps, so there are never more than about six tick labels to fit.
 */
function axisScale(rows: Ratio[]): { max: number; step: number } {
  const top = Math.max(1, ...rows.flatMap((r) => [r.max, r.targetValue ?? 0].filter(Number.isFinite)));
  const step = top <= 3 ? 0.5 : Math.ceil(top / 5);
  return { max: Math.ceil(top / step) * step, step };
}

/** The target column's text: the target and whether the median meets it. */
function targetLabel(r: Ratio): string {
  return r.target ? `${r.target}: ${r.pass ? 'pass' : 'miss'}` : '';
}

interface Layout {
  left: number;
  top: number;
  x(v: number): number;
  max: number;
  step: number;
  /** Where the median and target columns start, right of the plot, where no bar, whisker or grid line reaches. */
  medianX: number;
  targetX: number;
}

/** One row: the name, the bar, the whisker with its caps, the target mark, then the median and target in their columns. */
function row(r: Ratio, i: number, l: Layout): string {
  const y = l.top + i * ROW;
  const mid = y + BAR / 2;
  const colour = r.pass === undefined ? COLOURS.none : r.pass ? COLOURS.pass : COLOURS.miss;
  const [x0, x1] = [l.x(r.min), l.x(r.max)];
  const parts = [
    text(l.left - 8, mid + 4, r.name, FONT, 'text-anchor="end"'),
    `<rect x="${n1(l.left)}" y="${y}" width="${n1(l.x(r.median) - l.left)}" height="${BAR}" fill="${colour}"/>`,
    `<path d="M${n1(x0)} ${mid}H${n1(x1)}M${n1(x0)} ${mid - 4}v8M${n1(x1)} ${mid - 4}v8" stroke="${WHISKER}" stroke-width="1.5" fill="none"/>`,
  ];
  if (r.targetValue !== undefined) {
    const xt = l.x(r.targetValue);
    parts.push(`<path d="M${n1(xt)} ${y - 4}V${y + BAR + 4}" stroke="${TARGET}" stroke-width="3"/>`);
  }
  parts.push(text(l.medianX, mid + 4, r.median.toFixed(2)));
  if (r.target) parts.push(text(l.targetX, mid + 4, targetLabel(r)));
  return parts.join('');
}

const ONE_LABEL = '1.0 = as fast';

/** Grid lines with their tick labels below, and the 1.0 line (as fast as the denominator) dashed, named above the plot. */
function axis(l: Layout, bottom: number): string {
  const parts: string[] = [];
  for (let i = 0; i * l.step <= l.max + 1e-9; i++) {
    const v = i * l.step;
    parts.push(`<path d="M${n1(l.x(v))} ${l.top - 6}V${bottom}" stroke="#e5e7eb"/>`);
    parts.push(text(l.x(v), bottom + 14, v.toFixed(1), SMALL_FONT, 'text-anchor="middle" fill="#444"'));
  }
  parts.push(`<path d="M${n1(l.x(1))} ${l.top - 6}V${bottom}" stroke="#555" stroke-dasharray="4 3"/>`);
  // Right of its line, unless that would run into the median column (when 1.0 ends the axis): then left of it.
  const fitsRight = l.x(1) + 4 + estimateTextWidth(ONE_LABEL, SMALL_FONT) < l.medianX;
  parts.push(text(l.x(1) + (fitsRight ? 4 : -4), l.top - 10, ONE_LABEL, SMALL_FONT, `fill="#444"${fitsRight ? '' : ' text-anchor="end"'}`));
  return parts.join('');
}

type LegendItem = { glyph: (x: number, y: number) => string; label: string };

const swatch = (colour: string) => (x: number, y: number) => `<rect x="${x}" y="${y - 9}" width="14" height="10" fill="${colour}"/>`;

const LEGEND: LegendItem[] = [
  { glyph: swatch(COLOURS.pass), label: 'bar: median, meets its target' },
  { glyph: swatch(COLOURS.miss), label: 'median, misses its target' },
  { glyph: swatch(COLOURS.none), label: 'median, no target' },
  {
    glyph: (x, y) =>
      `<path d="M${x} ${y - 4}h14M${x} ${y - 8}v8M${x + 14} ${y - 8}v8" stroke="${WHISKER}" stroke-width="1.5" fill="none"/>`,
    label: 'whisker: min–max over repetitions',
  },
  { glyph: (x, y) => `<path d="M${x + 7} ${y - 11}V${y + 3}" stroke="${TARGET}" stroke-width="3"/>`, label: 'target' },
];

/** The legend, flowed into lines no wider than `width`; returns its SVG and its height. */
function legend(x0: number, y0: number, width: number): { svg: string; height: number } {
  const parts: string[] = [];
  let [x, y] = [x0, y0];
  for (const item of LEGEND) {
    const w = 20 + estimateTextWidth(item.label, SMALL_FONT) + 18;
    if (x > x0 && x + w > x0 + width) [x, y] = [x0, y + 18];
    parts.push(item.glyph(x, y), text(x + 20, y, item.label, SMALL_FONT));
    x += w;
  }
  return { svg: parts.join(''), height: y - y0 + 18 };
}

const TITLE = 'vaultlab bench: throughput ratios';
const SUBTITLE = 'req/s of one case ÷ req/s of another, taken within each repetition; median of the repetitions';

/** Where everything goes: each margin and column as wide as the longest text it holds. */
function layout(rows: Ratio[]): Layout & { width: number; legendY: number } {
  const left = PAD + Math.max(0, ...rows.map((r) => estimateTextWidth(r.name, FONT))) + 8;
  const medianX = left + PLOT_W + 14;
  const targetX = medianX + Math.max(estimateTextWidth('median', SMALL_FONT), estimateTextWidth('0.00', FONT)) + 14;
  const targetsW = Math.max(estimateTextWidth('target', SMALL_FONT), ...rows.map((r) => estimateTextWidth(targetLabel(r), FONT)));
  // Bold glyphs run about a tenth wider than regular ones.
  const headerW = Math.max(1.1 * estimateTextWidth(TITLE, TITLE_FONT), estimateTextWidth(SUBTITLE, SMALL_FONT));
  const width = Math.ceil(Math.max(targetX + targetsW, PAD + headerW) + PAD);
  const legendY = PAD + TITLE_FONT + 40;
  const top = legendY + legend(PAD, legendY, width - 2 * PAD).height + 24;
  const { max, step } = axisScale(rows);
  return { left, top, max, step, medianX, targetX, width, legendY, x: (v) => left + (Math.max(0, Math.min(v, max)) / max) * PLOT_W };
}

/** The chart as a standalone SVG document. */
export function svgChart(ratios: Ratio[]): string {
  const rows = chartRows(ratios);
  const l = layout(rows);
  const bottom = l.top + rows.length * ROW;
  const height = bottom + 14 + PAD;
  const header = [
    text(PAD, PAD + TITLE_FONT, TITLE, TITLE_FONT, 'font-weight="bold"'),
    text(PAD, PAD + TITLE_FONT + 20, SUBTITLE, SMALL_FONT, 'fill="#444"'),
    legend(PAD, l.legendY, l.width - 2 * PAD).svg,
    text(l.medianX, l.top - 10, 'median', SMALL_FONT, 'fill="#444"'),
    text(l.targetX, l.top - 10, 'target', SMALL_FONT, 'fill="#444"'),
  ].join('');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${l.width}" height="${height}" viewBox="0 0 ${l.width} ${height}" font-family="sans-serif">` +
    `<rect width="100%" height="100%" fill="white"/>${header}${axis(l, bottom)}${rows.map((r, i) => row(r, i, l)).join('')}</svg>\n`
  );
}
