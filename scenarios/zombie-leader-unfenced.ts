import { defineScenario } from '../src/drill/scenario.ts';

export default defineScenario({
  name: 'zombie-leader-unfenced',
  description: 'The zombie-leader drill with fencing switched off: the woken old active writes with its stale term and storage accepts it. The checker must report the split brain.',
  fencing: false,
  expectViolation: true,
  steps: [{ at: 1000, kind: 'pause', target: 'active', durationMs: 2500 }],
});
