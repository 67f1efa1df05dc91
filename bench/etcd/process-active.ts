/** The etcd bench's way to find the active node of a process lab. */
import { nodeCall, type ProcessLab } from '../../src/lab/index.ts';

/** The active node's API address, once one is active. */
export async function activeAddr(lab: ProcessLab): Promise<string> {
  for (;;) {
    for (const n of lab.nodes) if ((await nodeCall(n.o.apiAddr, 'GET', 'sys/leader'))?.body.is_self === true) return n.o.apiAddr;
    await new Promise((r) => setTimeout(r, 20));
  }
}
