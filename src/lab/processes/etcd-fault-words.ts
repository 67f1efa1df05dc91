/** The faults a process lab's own etcd takes, in `vaultlab fault etcd` words (light: the CLI checks them before dialling the lab). */

/** One member's kill, restart or pause, or the loss of the cluster's quorum (a majority killed). */
export const ETCD_FAULTS = ['kill', 'restart', 'pause', 'quorum'] as const;

/** One of ETCD_FAULTS. */
export type EtcdFault = (typeof ETCD_FAULTS)[number];
