/**
 * Reads HAProxy's view of its servers from its admin socket (`show stat`, CSV), in the
 * words the built-in balancer reports: status ("UP 2/3"), last check ("L7STS 429"),
 * sessions. A check still running is marked "* " in check_status; that mark is dropped.
 */
import net from 'node:net';
import type { BalancerServerView } from './balancer.ts';

/** Sends one command to the admin socket and resolves with the whole answer. */
export function adminCommand(socketPath: string, command: string, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(socketPath);
    const chunks: Buffer[] = [];
    socket.setTimeout(timeoutMs, () =>
      socket.destroy(new Error(`HAProxy's admin socket did not answer "${command}" within ${timeoutMs} ms`)),
    );
    socket.on('connect', () => socket.end(`${command}\n`));
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

/** The servers of proxy `proxy` in a `show stat` answer, in its order. */
export function parseShowStat(csv: string, proxy: string): BalancerServerView[] {
  const lines = csv.split('\n').filter((l) => l.trim() !== '');
  const header = lines[0]?.replace(/^# /, '').split(',') ?? [];
  const col = (name: string) => header.indexOf(name);
  const rows = lines.slice(1).map((l) => l.split(','));
  const at = (row: string[], name: string) => row[col(name)] ?? '';
  return rows
    .filter((r) => at(r, 'pxname') === proxy && at(r, 'svname') !== 'FRONTEND' && at(r, 'svname') !== 'BACKEND')
    .map((r) => {
      const status = at(r, 'status');
      const check = at(r, 'check_status').replace(/^\* /, '');
      const code = at(r, 'check_code');
      return {
        name: at(r, 'svname'),
        up: status.startsWith('UP'),
        status,
        lastCheck: check && code ? `${check} ${code}` : check,
        sessions: { total: Number(at(r, 'stot')) || 0, current: Number(at(r, 'scur')) || 0 },
      };
    });
}
