/** Graceful hand-overs under write load (vault#13639 counts the forwarded errors they cause). */
import { defineScenario } from '../src/drill/scenario.ts';

export default defineScenario({
  name: 'step-down-under-load',
  summary: 'the active steps down twice under load; graceful hand-overs',
  description:
    'Four clients write while the active steps down twice: each hand-over is graceful (the lock is released), a few requests fail, nothing acknowledged is lost.',
  steps: [
    { do: 'load', clients: 4 },
    { do: 'wait', ms: 1000 },
    { do: 'fault', kind: 'step-down', target: 'active' },
    { do: 'wait', ms: 2000 },
    { do: 'fault', kind: 'step-down', target: 'active' },
    { do: 'wait', ms: 2000 },
    { do: 'expect', that: 'active' },
    { do: 'expect', that: { newTerms: 2 } },
  ],
});
