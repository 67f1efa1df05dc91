/**
 * HAProxy's health count, as a table of check sequences and what its stats page would say
 * after each: a server starts "UP 1/3" (up, one failure from down), `fall` failures in a row
 * take a fully up server down, `rise` passes in a row bring a down one back.
 */
import { describe, expect, it } from 'vitest';
import { ServerHealth, type CheckResult } from '../../src/lab/balancer/index.ts';

const pass: CheckResult = { ok: true, status: 'L7OK', code: 200 };
const fail: CheckResult = { ok: false, status: 'L7STS', code: 429 };
const refused: CheckResult = { ok: false, status: 'L4CON' };

const cases: { name: string; checks: CheckResult[]; statuses: string[]; changes: (string | undefined)[] }[] = [
  { name: 'starts up at rise: one failure takes it down', checks: [fail], statuses: ['DOWN'], changes: ['down'] },
  { name: 'starts up at rise: a pass makes it fully up', checks: [pass], statuses: ['UP'], changes: [undefined] },
  {
    name: 'fully up: fall failures in a row take it down',
    checks: [pass, fail, fail, fail],
    statuses: ['UP', 'UP 2/3', 'UP 1/3', 'DOWN'],
    changes: [undefined, undefined, undefined, 'down'],
  },
  {
    name: 'a pass between failures restores it fully',
    checks: [pass, fail, fail, pass, fail, fail],
    statuses: ['UP', 'UP 2/3', 'UP 1/3', 'UP', 'UP 2/3', 'UP 1/3'],
    changes: [undefined, undefined, undefined, undefined, undefined, undefined],
  },
  {
    name: 'down: rise passes in a row bring it back',
    checks: [refused, pass, pass],
    statuses: ['DOWN', 'DOWN 1/2', 'UP'],
    changes: ['down', undefined, 'up'],
  },
  {
    name: 'down: a failure between passes starts the climb again',
    checks: [refused, pass, fail, pass, pass],
    statuses: ['DOWN', 'DOWN 1/2', 'DOWN', 'DOWN 1/2', 'UP'],
    changes: ['down', undefined, undefined, undefined, 'up'],
  },
];

describe('ServerHealth (fall 3, rise 2)', () => {
  it.each(cases)('$name', ({ checks, statuses, changes }) => {
    const h = new ServerHealth({ fall: 3, rise: 2 });
    expect(h.view()).toEqual({ up: true, status: 'UP 1/3', lastCheck: '' });
    const seen = checks.map((c) => [h.record(c), h.view().status]);
    expect(seen.map(([, s]) => s)).toEqual(statuses);
    expect(seen.map(([c]) => c)).toEqual(changes);
  });

  it('names the last check as HAProxy does: the status word and the HTTP code when there was one', () => {
    const h = new ServerHealth({ fall: 3, rise: 2 });
    h.record(fail);
    expect(h.view().lastCheck).toBe('L7STS 429');
    h.record(refused);
    expect(h.view().lastCheck).toBe('L4CON');
  });

  it('rise 1 and fall 1: one check decides', () => {
    const h = new ServerHealth({ fall: 1, rise: 1 });
    expect([h.record(fail), h.record(pass), h.record(fail)]).toEqual(['down', 'up', 'down']);
  });
});
