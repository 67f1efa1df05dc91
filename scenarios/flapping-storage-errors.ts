import { defineScenario } from '../src/drill/scenario.ts';

export default defineScenario({
  name: 'flapping-storage-errors',
  description: 'One storage call in five fails, twice: renewals fail so leadership may flap (vault#18582), writes fail without being acknowledged, and the cluster settles on one active afterwards.',
  steps: [
    { at: 800, kind: 'storage-errors', target: 'storage', durationMs: 1200 },
    { at: 3000, kind: 'storage-errors', target: 'storage', durationMs: 1000 },
  ],
});
