/** T3, part 3: the balancer scenarios in real time, through the built-in balancer over HTTP. */
import { describe } from 'vitest';
import { realTimeScenarios } from './real-time.ts';

describe('shipped scenarios in real time over HTTP on level storage (3: behind a balancer)', () => {
  realTimeScenarios(['lb-failover', 'redirect-loop', 'lb-stale-standby']);
});
