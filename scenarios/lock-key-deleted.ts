import { defineScenario } from '../src/drill/scenario.ts';

export default defineScenario({
  name: 'lock-key-deleted',
  description: 'Someone deletes core/lock from storage (vault#6636): the active loses its lock, the cluster settles on one new term instead of flapping.',
  steps: [{ at: 1500, kind: 'delete-lock', target: 'storage', durationMs: 0 }],
});
