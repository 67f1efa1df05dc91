/**
 * The timeline's colours: every colour drawn is in the legend, nothing is drawn translucent
 * (an overlay mixes a hue the legend does not have), and no two node states share a hue;
 * requests redirected to a down node are drawn as triangles with a count, not by colour alone.
 */
import { describe, expect, it } from 'vitest';
import { SCENARIOS } from '../../scenarios/index.ts';
import { runDrill } from '../../src/drill/drill-runner.ts';
import { compileScenario } from '../../src/drill/scenario.ts';
import { staleRedirectRuns } from '../../src/drill/stale-redirects.ts';
import { INK, PALETTE, PAPER, STATE_KEYS, timelineSvg } from '../../src/drill/timeline-svg.ts';

async function drillOf(name: string) {
  const s = SCENARIOS.find((x) => x.name === name)!;
  return runDrill(compileScenario(s, 1).spec);
}

async function svgOf(name: string): Promise<string> {
  return timelineSvg(await drillOf(name));
}

/** Every fill and stroke colour in the SVG ('none' is no colour). */
function coloursUsed(svg: string): Set<string> {
  return new Set([...svg.matchAll(/\b(?:fill|stroke)="([^"]+)"/g)].map((m) => m[1].toLowerCase()).filter((c) => c !== 'none'));
}

/** The legend as drawn: each swatch (a rect or line) followed by its label. */
function legendOf(svg: string): Map<string, string> {
  const pairs = [...svg.matchAll(/<(?:rect|line|polygon) [^>]*?(?:fill|stroke)="(#[0-9a-f]{6})"[^>]*\/><text [^>]*>([^<]+)<\/text>/g)];
  return new Map(pairs.map((m) => [m[2], m[1]]));
}

/** Hue (degrees), saturation and lightness of a #rrggbb colour. */
function hsl(hex: string): { h: number; s: number; l: number } {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
  const max = Math.max(r, g, b);
  const min = Math.min(r, g, b);
  const l = (max + min) / 2;
  const d = max - min;
  if (d === 0) return { h: 0, s: 0, l };
  const s = d / (1 - Math.abs(2 * l - 1));
  const h = max === r ? ((g - b) / d) % 6 : max === g ? (b - r) / d + 2 : (r - g) / d + 4;
  return { h: (h * 60 + 360) % 360, s, l };
}

describe('timeline colours', () => {
  it.each(['zombie-leader-unfenced', 'rolling-restart', 'kill-active', 'stale-redirect'])(
    '%s: every colour drawn is in the legend, none translucent',
    async (name) => {
      const svg = await svgOf(name);
      const legend = legendOf(svg);
      expect([...legend.keys()]).toEqual(Object.values(PALETTE).map((p) => p.label));
      const allowed = new Set([...legend.values(), INK, PAPER]);
      expect([...coloursUsed(svg)].filter((c) => !allowed.has(c))).toEqual([]);
      expect(svg).not.toMatch(/opacity=/);
    },
  );

  it('draws the states it shows in their palette colours: down, sealed, and the violation line', async () => {
    const drawn = (svg: string, state: keyof typeof PALETTE) => svg.includes(`fill="${PALETTE[state].colour}"><title>node`);
    const rolling = await svgOf('rolling-restart');
    expect((['active', 'standby', 'down'] as const).filter((s) => !drawn(rolling, s))).toEqual([]);
    expect(drawn(await svgOf('seal-active'), 'sealed')).toBe(true);
    const violation = new RegExp(`stroke="${PALETTE.failed.colour}" stroke-width="2"><title>split brain`);
    expect(violation.test(await svgOf('zombie-leader-unfenced'))).toBe(true);
  });

  it('marks each request redirected to a down node with a triangle, and each run with its count and node', async () => {
    const r = await drillOf('stale-redirect');
    const runs = staleRedirectRuns(r.history.events);
    expect(runs.length).toBeGreaterThan(0);
    const svg = timelineSvg(r);
    const marks = svg.match(
      new RegExp(`<polygon [^>]*fill="${PALETTE.staleRedirect.colour}"><title>redirected to node\\d, which was down`, 'g'),
    );
    expect(marks).toHaveLength(runs.reduce((n, run) => n + run.completions.length, 0));
    for (const run of runs) expect(svg).toContain(`>${run.completions.length} redirected to ${run.to} while down</text>`);
    // Clients that go straight to the active are never redirected: no marks.
    expect(await svgOf('kill-active')).not.toContain('which was down');
  });

  it("marks where the balancer put a node in rotation or took it out, under the node's lane", async () => {
    const r = await drillOf('lb-failover');
    const marks = r.history.events.filter((e) => e.kind === 'balancer');
    const svg = timelineSvg(r);
    const drawn = svg.match(
      new RegExp(
        `stroke="${PALETTE.balancer.colour}" stroke-width="2"><title>the balancer (put it in rotation|took it out of rotation) \\(L`,
        'g',
      ),
    );
    expect(drawn).toHaveLength(marks.length);
    // The new active goes in once its checks pass; the dead one comes out after its failed ones.
    expect(svg).toContain('<title>the balancer put it in rotation (L7OK 200)</title>');
    expect(svg).toContain('<title>the balancer took it out of rotation (L4CON)</title>');
    expect(await svgOf('kill-active')).not.toContain('the balancer');
  });

  it('gives every node state its own hue (greys told apart by lightness)', () => {
    const states = STATE_KEYS.map((k) => ({ k, ...hsl(PALETTE[k].colour) }));
    const chromatic = states.filter((s) => s.s >= 0.2);
    const greys = states.filter((s) => s.s < 0.2);
    for (const a of chromatic)
      for (const b of chromatic) {
        if (a === b) continue;
        const apart = Math.min(Math.abs(a.h - b.h), 360 - Math.abs(a.h - b.h));
        expect(apart, `${a.k} and ${b.k}`).toBeGreaterThanOrEqual(30);
      }
    for (const a of greys) for (const b of greys) if (a !== b) expect(Math.abs(a.l - b.l), `${a.k} and ${b.k}`).toBeGreaterThanOrEqual(0.3);
    expect(new Set(STATE_KEYS.map((k) => PALETTE[k].colour)).size).toBe(STATE_KEYS.length);
  });
});
