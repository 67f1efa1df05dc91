/**
 * The lifecycle of one Vault node as a pure xstate machine: which state it is in and
 * which long-running work that state owns. No effects are implemented here: the
 * facade binds them with `machine.provide()`, tests bind fakes. The context holds no
 * key material (unseal shares and keys live in the core, never in a snapshot).
 *
 *   uninitialized ─INITIALIZED→ sealed ─THRESHOLD_REACHED→ opening ─(barrier open)→ unsealed
 *                                 ▲  ▲                         │                      │
 *                                 │  └── (wrong set of shares) ┘                      │
 *                                 └──────────────────── SEAL ─────────────────────────┘
 *   unsealed: standby ─LOCK_ACQUIRED→ active ─LOCK_LOST / STEP_DOWN→ standby
 *             (without HA an unsealed node is active at once)
 *   any ─CRASH→ stopped ─RESTART→ sealed | uninitialized (as storage now says)
 */
import { assign, fromPromise, setup } from 'xstate';

/** Facts about the node that never change while it runs. */
export interface NodeMachineInput {
  name: string;
  /** Without HA an unsealed node is active at once; with HA it campaigns for the lock. */
  haEnabled: boolean;
  /** Whether storage already holds an initialized barrier (a restarted node comes back sealed). */
  initialized: boolean;
}

/** What the machine remembers: public facts only. */
export interface NodeMachineContext {
  name: string;
  haEnabled: boolean;
  initialized: boolean;
  /** Unseal shares collected so far on this node (the shares themselves live in the core). */
  progress: number;
  /** The unseal attempt's nonce; '' when no attempt is in progress. */
  nonce: string;
  /** The lock term while active (0 otherwise). */
  term: number;
  /** When this node last became active (ms since epoch; 0 when not active). */
  activeSince: number;
  /** No campaigning before this instant (step-down back-off). */
  backoffUntil: number;
}

/** Every event the machine accepts. */
export type NodeMachineEvent =
  | { type: 'INITIALIZED' }
  | { type: 'UNSEAL_PROGRESS'; progress: number; nonce: string }
  | { type: 'UNSEAL_RESET' }
  /** The share that completes the threshold is in hand: open the barrier. */
  | { type: 'THRESHOLD_REACHED' }
  | { type: 'SEAL' }
  | { type: 'LOCK_ACQUIRED'; term: number; at: number }
  | { type: 'LOCK_LOST'; reason: string }
  | { type: 'STEP_DOWN'; backoffUntil: number }
  | { type: 'CRASH' }
  /** The process came back; `initialized` is what it read from storage, where another node may have initialized meanwhile. */
  | { type: 'RESTART'; initialized: boolean };

/** The machine with every effect left abstract: the facade provides the actors and actions. */
export const nodeMachine = setup({
  types: {
    context: {} as NodeMachineContext,
    events: {} as NodeMachineEvent,
    input: {} as NodeMachineInput,
  },
  actors: {
    /** Sealed with the threshold of shares in hand: open the barrier; resolves with when it opened. */
    openBarrier: fromPromise<{ at: number }>(async () => ({ at: 0 })),
    /** Standby: try to take the HA lock, prepare to serve, then send LOCK_ACQUIRED. */
    campaign: fromPromise<void, { backoffUntil: number }>(async () => {}),
    /** Active: renew the lock; send LOCK_LOST when a renewal or a write is refused. */
    lockKeeper: fromPromise<void, { term: number }>(async () => {}),
  },
  actions: {
    /** Leaving active by any road: stop serving as active, drop the advertisement, release or abandon the lock. */
    teardownActive: () => {},
    /** Sealing: wipe the keyring and root key, drop caches. */
    wipeKeys: () => {},
    /** Crash: stop everything at once, without releasing the lock. */
    halt: () => {},
  },
  guards: {
    haEnabled: ({ context }) => context.haEnabled,
    wasInitialized: ({ context }) => context.initialized,
    storageInitialized: ({ event }) => event.type === 'RESTART' && event.initialized,
  },
}).createMachine({
  id: 'vault-node',
  context: ({ input }) => ({
    name: input.name,
    haEnabled: input.haEnabled,
    initialized: input.initialized,
    progress: 0,
    nonce: '',
    term: 0,
    activeSince: 0,
    backoffUntil: 0,
  }),
  initial: 'booting',
  on: {
    CRASH: { target: '.stopped', actions: 'halt' },
  },
  states: {
    booting: {
      always: [{ guard: 'wasInitialized', target: 'sealed' }, { target: 'uninitialized' }],
    },
    uninitialized: {
      on: { INITIALIZED: { target: 'sealed', actions: assign({ initialized: true }) } },
    },
    sealed: {
      entry: assign({ progress: 0, nonce: '', term: 0, activeSince: 0 }),
      initial: 'collecting',
      states: {
        collecting: {
          on: {
            UNSEAL_PROGRESS: { actions: assign(({ event }) => ({ progress: event.progress, nonce: event.nonce })) },
            UNSEAL_RESET: { actions: assign({ progress: 0, nonce: '' }) },
            // The attempt is spent whatever the outcome: a wrong set of shares starts over, as in Vault.
            THRESHOLD_REACHED: { target: 'opening', actions: assign({ progress: 0, nonce: '' }) },
          },
        },
        // Still sealed to every client until the barrier is open.
        opening: {
          invoke: {
            id: 'openBarrier',
            src: 'openBarrier',
            onDone: {
              target: '#vault-node.unsealed',
              // Without HA the node is active from this instant.
              actions: assign(({ context, event }) => ({ activeSince: context.haEnabled ? 0 : event.output.at })),
            },
            onError: { target: 'collecting' },
          },
        },
      },
    },
    unsealed: {
      initial: 'deciding',
      on: { SEAL: { target: 'sealed', actions: 'wipeKeys' } },
      states: {
        deciding: {
          always: [{ guard: 'haEnabled', target: 'standby' }, { target: 'active' }],
        },
        standby: {
          invoke: {
            src: 'campaign',
            input: ({ context }) => ({ backoffUntil: context.backoffUntil }),
          },
          on: {
            LOCK_ACQUIRED: {
              target: 'active',
              actions: assign(({ event }) => ({ term: event.term, activeSince: event.at })),
            },
          },
        },
        active: {
          exit: ['teardownActive', assign({ term: 0, activeSince: 0 })],
          invoke: { src: 'lockKeeper', input: ({ context }) => ({ term: context.term }) },
          on: {
            LOCK_LOST: { guard: 'haEnabled', target: 'standby' },
            STEP_DOWN: {
              guard: 'haEnabled',
              target: 'standby',
              actions: assign(({ event }) => ({ backoffUntil: event.backoffUntil })),
            },
          },
        },
      },
    },
    stopped: {
      on: {
        // Storage decides, not what this node knew before it went down: another node may have initialized it meanwhile.
        RESTART: [{ guard: 'storageInitialized', target: 'sealed', actions: assign({ initialized: true }) }, { target: 'uninitialized' }],
      },
    },
  },
});

/** The states a node reports (the leaves of the machine). */
export type NodeState = 'uninitialized' | 'sealed' | 'standby' | 'active' | 'stopped';

/**
 * The state a snapshot's value reports ({unsealed: 'active'} → 'active'). A node opening
 * its barrier is still sealed; the transient states read as where they lead.
 */
export function leafState(value: unknown): NodeState {
  if (typeof value === 'string') return (value === 'booting' ? 'sealed' : value) as NodeState;
  const [outer, inner] = Object.entries(value as Record<string, unknown>)[0];
  if (outer === 'sealed') return 'sealed';
  return (inner === 'deciding' ? 'standby' : leafState(inner)) as NodeState;
}
