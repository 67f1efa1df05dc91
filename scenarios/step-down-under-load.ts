import { defineScenario } from '../src/drill/scenario.ts';

export default defineScenario({
  name: 'step-down-under-load',
  description: 'Four clients write while the active steps down twice: graceful hand-overs, a handful of failed requests, nothing acknowledged lost.',
  clients: 4,
  steps: [
    { at: 1000, kind: 'step-down', target: 'active', durationMs: 0 },
    { at: 3000, kind: 'step-down', target: 'active', durationMs: 0 },
  ],
});
