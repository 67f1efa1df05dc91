/**
 * A user's own drill: a JSON (or .ts) file in the shape of scenarios/, checked field by
 * field with an error that names each bad field, and nothing run when any is bad.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkScenario } from '../../src/drill/scenario-check.ts';
import { compileScenario, defineScenario, type Scenario } from '../../src/drill/scenario.ts';

const good = {
  name: 'pause-the-active',
  description: 'The active freezes longer than its lease.',
  steps: [
    { do: 'load', clients: 6, keys: 2 },
    { do: 'wait', ms: '1s' },
    { do: 'fault', kind: 'pause', target: 'active', forMs: '2.5s' },
    { do: 'wait', ms: 2000 },
    { do: 'expect', that: 'active' },
    { do: 'fault', kind: 'slow-storage', latencyMs: '10ms', jitter: 0.5, forMs: '500ms' },
    { do: 'wait', ms: '2s' },
    { do: 'expect', that: { newTerms: 1 } },
    { do: 'expect', that: { downtimeAtMostMs: '3s' } },
  ],
};

/** The good scenario with one step replaced. */
const withStep = (i: number, step: unknown) => ({ ...good, steps: good.steps.map((s, j) => (j === i ? step : s)) });

describe('checking a scenario file', () => {
  it('accepts the shape of the shipped scenarios, with durations as "2s" or ms, and compiles it', () => {
    const r = checkScenario(good);
    expect('errors' in r ? r.errors : []).toEqual([]);
    if (!('scenario' in r)) return;
    const { spec, expectations } = compileScenario(r.scenario, 1);
    expect(spec).toMatchObject({ nodes: 3, clients: 6, keys: 2, durationMs: 5000, fencing: true });
    expect(spec.faults).toEqual([
      { at: 1000, kind: 'pause', target: 'active', durationMs: 2500 },
      { at: 3000, kind: 'slow-storage', target: 'storage', durationMs: 500, latencyMs: 10, jitter: 0.5 },
    ]);
    expect(spec.probes).toEqual([{ at: 3000, that: 'active' }]);
    expect(expectations).toEqual([{ newTerms: 1 }, { downtimeAtMostMs: 3000 }]);
  });

  it("takes a load's route and the stale-redirects expectation; a spec without a route is as before", () => {
    const redirecting = withStep(0, { do: 'load', clients: 4, route: 'redirect' });
    const r = checkScenario({ ...redirecting, steps: [...redirecting.steps, { do: 'expect', that: 'stale-redirects' }] });
    expect('errors' in r ? r.errors : []).toEqual([]);
    if (!('scenario' in r)) return;
    const { spec, expectations } = compileScenario(r.scenario, 1);
    expect(spec.route).toBe('redirect');
    expect(expectations).toContain('stale-redirects');
    const plain = checkScenario(good);
    if ('scenario' in plain) expect('route' in compileScenario(plain.scenario, 1).spec).toBe(false);
  });

  it("takes a balancer, its check over HAProxy's defaults, and its expectations", () => {
    const r = checkScenario({
      ...good,
      balancer: { mode: 'standby-ok', interMs: '500ms', rise: 1, advertise: true },
      steps: [...good.steps, { do: 'expect', that: 'redirect-loop' }, { do: 'expect', that: 'sealed-behind-balancer' }],
    });
    expect('errors' in r ? r.errors : []).toEqual([]);
    if (!('scenario' in r)) return;
    const { spec, expectations } = compileScenario(r.scenario, 1);
    expect(spec.balancer).toEqual({ mode: 'standby-ok', check: { interMs: 500, fall: 3, rise: 1, timeoutMs: 2000 }, advertise: true });
    expect(expectations).toEqual(expect.arrayContaining(['redirect-loop', 'sealed-behind-balancer']));
    const plain = checkScenario(good);
    if ('scenario' in plain) expect('balancer' in compileScenario(plain.scenario, 1).spec).toBe(false);
  });

  it('refuses a route that is not one in a shipped scenario too', () => {
    const bad = {
      name: 'x',
      description: '',
      steps: [
        { do: 'load', clients: 1, route: 'forward' },
        { do: 'wait', ms: 1 },
      ],
    } as unknown as Scenario;
    expect(() => defineScenario(bad)).toThrow("x: a load's route must be one of active, redirect");
  });

  it('reads durations as `vaultlab up` and Vault do (Go durations: "1m30s", "250ms")', () => {
    const r = checkScenario(withStep(1, { do: 'wait', ms: '1m30s' }));
    expect('errors' in r ? r.errors : []).toEqual([]);
    if ('scenario' in r) expect(r.scenario.steps[1]).toEqual({ do: 'wait', ms: 90_000 });
  });

  it.each([
    ['not an object', [], 'the file must hold one scenario object'],
    ['a bad name', { ...good, name: 'My Drill' }, 'name: must be kebab-case, like "my-drill"'],
    [
      'a typo at the top',
      { ...good, step: [] },
      'step: unknown field (expected one of name, summary, description, nodes, fencing, topology, balancer, processes, steps)',
    ],
    ['too many nodes', { ...good, nodes: 12 }, 'nodes: must be a whole number from 1 to 9'],
    ['a balancer without a mode', { ...good, balancer: {} }, 'balancer.mode: must be "active" or "standby-ok"'],
    ['a balancer field misspelt', { ...good, balancer: { mode: 'active', inter: '1s' } }, 'balancer.inter: unknown field'],
    ['a balancer fall of none', { ...good, balancer: { mode: 'active', fall: 0 } }, 'balancer.fall: must be a whole number from 1 to 100'],
    [
      'a balancer expectation without a balancer',
      withStep(7, { do: 'expect', that: 'redirect-loop' }),
      'steps: redirect-loop needs a balancer: set "balancer" to { "mode": "active" } or { "mode": "standby-ok" }',
    ],
    ['fencing as a string', { ...good, fencing: 'off' }, 'fencing: must be true or false'],
    ['processes as a string', { ...good, processes: 'yes' }, 'processes: must be true or false'],
    [
      'an etcd fault without processes',
      withStep(2, { do: 'fault', kind: 'etcd-kill', target: 'leader' }),
      'steps[2].kind: etcd-kill acts on etcd: set "processes" to true',
    ],
    [
      'an etcd fault on a node',
      { ...withStep(2, { do: 'fault', kind: 'etcd-kill', target: 'node1' }), processes: true },
      'steps[2].target: must be one of leader, follower, etcd1, etcd2, etcd3 for etcd-kill',
    ],
    ['no steps', { ...good, steps: [] }, 'steps: must be a non-empty list of steps'],
    [
      'no wait',
      { ...good, steps: [{ do: 'load', clients: 1 }] },
      'steps: need at least one { "do": "wait" } step, or the drill lasts 0 ms',
    ],
    ['an unknown step', withStep(1, { do: 'sleep', ms: 5 }), 'steps[1].do: must be one of load, stop-load, wait, fault, expect'],
    ['a step that is no object', withStep(1, 'wait 1s'), 'steps[1]: must be an object like { "do": "wait", "ms": "1s" }'],
    ['no clients', withStep(0, { do: 'load', clients: 0 }), 'steps[0].clients: must be a whole number from 1 to 64'],
    ['an unknown route', withStep(0, { do: 'load', clients: 2, route: 'forward' }), 'steps[0].route: must be one of "active", "redirect"'],
    [
      'a wait in words',
      withStep(1, { do: 'wait', ms: 'two seconds' }),
      'steps[1].ms: must be a duration like "2s" or "500ms" (or a number of ms)',
    ],
    ['a wait of nothing', withStep(1, { do: 'wait', ms: 0 }), 'steps[1].ms: must be longer than 0'],
    [
      'an unknown fault',
      withStep(2, { do: 'fault', kind: 'explode' }),
      'steps[2].kind: must be one of kill, crash-restart, seal, step-down, pause',
    ],
    [
      'a node that is not there',
      withStep(2, { do: 'fault', kind: 'kill', target: 'node4' }),
      'steps[2].target: must be one of active, standby, node1, node2, node3 for kill',
    ],
    [
      'a storage fault on a node',
      withStep(5, { do: 'fault', kind: 'slow-storage', target: 'node1' }),
      'steps[5].target: must be one of storage for slow-storage',
    ],
    ['a bad fault length', withStep(2, { do: 'fault', kind: 'pause', forMs: '-1s' }), 'steps[2].forMs: must be a duration like "2s"'],
    [
      'a knob on the wrong fault',
      withStep(2, { do: 'fault', kind: 'pause', errorRate: 0.5 }),
      'steps[2].errorRate: only goes with kind storage-errors',
    ],
    ['a jitter over 1', withStep(5, { do: 'fault', kind: 'slow-storage', jitter: 2 }), 'steps[5].jitter: must be a number from 0 to 1'],
    [
      'a typo in a step',
      withStep(2, { do: 'fault', kind: 'pause', for: '1s' }),
      'steps[2].for: unknown field (expected one of do, kind, target, forMs',
    ],
    [
      'an unknown check',
      withStep(7, { do: 'expect', that: { violation: 'C9' } }),
      'steps[7].that.violation: must be one of C1, C2, C3, C4, C5, C6',
    ],
    [
      'an unknown expectation',
      withStep(7, { do: 'expect', that: 'happiness' }),
      'steps[7].that: must be one of "active", "no-active", "lost-writes", "fenced-writes", "stale-redirects"',
    ],
    [
      'terms as a fraction',
      withStep(7, { do: 'expect', that: { newTerms: 1.5 } }),
      'steps[7].that.newTerms: must be a whole number from 0 to 1000',
    ],
  ])('names the field for %s', (_what, input, message) => {
    const r = checkScenario(input);
    expect('errors' in r).toBe(true);
    if ('errors' in r)
      expect(
        r.errors.some((e) => e.startsWith(message)),
        r.errors.join('\n'),
      ).toBe(true);
  });

  it('reports every bad field at once', () => {
    const r = checkScenario({ name: 'x y', nodes: 0, steps: [{ do: 'wait', ms: 'soon' }, { do: 'load' }] });
    expect('errors' in r && r.errors.map((e) => e.split(':')[0])).toEqual(['name', 'nodes', 'steps[0].ms', 'steps[1].clients']);
  });
});

describe('the README example', () => {
  it('is a valid scenario file', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('Your own drill'));
    const json = /```json\n([\s\S]*?)```/.exec(section)![1];
    const r = checkScenario(JSON.parse(json));
    expect('errors' in r ? r.errors : []).toEqual([]);
  });
});
