import { defineScenario } from '../src/drill/scenario.ts';

export default defineScenario({
  name: 'kill-active',
  description: 'The active process dies without releasing its lock: a standby takes over only when the lease runs out (about one TTL); the killed node restarts sealed and is unsealed.',
  steps: [{ at: 1000, kind: 'kill', target: 'active', durationMs: 2000 }],
});
