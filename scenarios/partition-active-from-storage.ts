import { defineScenario } from '../src/drill/scenario.ts';

export default defineScenario({
  name: 'partition-active-from-storage',
  description: 'The active loses its storage connection: its renewals fail, it steps down, a standby takes over once the lease runs out; the partitioned node rejoins as a standby when healed.',
  steps: [{ at: 1000, kind: 'partition-storage', target: 'active', durationMs: 2000 }],
});
