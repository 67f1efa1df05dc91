import { defineScenario } from '../src/drill/scenario.ts';

export default defineScenario({
  name: 'slow-storage',
  description: 'Storage slows to 25 ms ± 80 % per call for two seconds: requests slow down and some time out, leadership holds, nothing acknowledged is lost.',
  steps: [{ at: 1000, kind: 'slow-storage', target: 'storage', durationMs: 2000 }],
});
