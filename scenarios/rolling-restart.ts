import { defineScenario } from '../src/drill/scenario.ts';

export default defineScenario({
  name: 'rolling-restart',
  description: 'An upgrade: every node is restarted in turn (standbys first is what operators do; here whoever is active goes each time, the worst order). The report shows the total downtime.',
  durationMs: 8000,
  steps: [
    { at: 1000, kind: 'kill', target: 'node1', durationMs: 800 },
    { at: 3000, kind: 'kill', target: 'node2', durationMs: 800 },
    { at: 5000, kind: 'kill', target: 'node3', durationMs: 800 },
  ],
});
