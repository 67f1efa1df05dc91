import { defineScenario } from '../src/drill/scenario.ts';

export default defineScenario({
  name: 'seal-active',
  description: 'An operator seals the active node: it releases the lock at once and a standby takes over within milliseconds.',
  steps: [{ at: 1000, kind: 'seal', target: 'active', durationMs: 1500 }],
});
