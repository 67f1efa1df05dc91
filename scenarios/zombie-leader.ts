import { defineScenario } from '../src/drill/scenario.ts';

export default defineScenario({
  name: 'zombie-leader',
  description: 'The active freezes (a GC pause, a stopped VM) for longer than its lease with writes in flight; a standby takes over; when the old active wakes, storage fences its stale writes.',
  steps: [{ at: 1000, kind: 'pause', target: 'active', durationMs: 2500 }],
});
