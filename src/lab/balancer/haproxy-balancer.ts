/**
 * Debian's HAProxy in front of the lab: the lab writes haproxy.cfg (haproxy-config.ts) into
 * its folder, runs `haproxy -db -f haproxy.cfg` as a child process, and reads each server's
 * check state from its admin socket. When HAProxy is not installed it says how to install it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Balancer, BalancerServerView } from './balancer.ts';
import type { BalancerCheck, BalancerMode } from './check-settings.ts';
import { freePort } from './free-port.ts';
import { haproxyConfig } from './haproxy-config.ts';
import { adminCommand, parseShowStat } from './haproxy-stats.ts';
import type { BalancedServer } from './health-poller.ts';

/** How to run HAProxy for a lab. */
export interface HaproxyBalancerOptions {
  mode: BalancerMode;
  check: BalancerCheck;
  servers: readonly BalancedServer[];
  listen: { host: string; port: number };
  /** Where haproxy.cfg and the admin socket go. */
  dir: string;
  caFile?: string;
  /** The haproxy binary (default: haproxyBinary()). */
  binary?: string;
}

/** The name of the config file in the lab's folder. */
export const HAPROXY_CONFIG_FILE = 'haproxy.cfg';

/** What to run when HAProxy is missing. */
export const HAPROXY_INSTALL = 'sudo apt-get install -y haproxy';

/** Debian installs HAProxy in /usr/sbin, which a user's PATH often lacks: there first, else the PATH's. */
export function haproxyBinary(): string {
  return existsSync('/usr/sbin/haproxy') ? '/usr/sbin/haproxy' : 'haproxy';
}

/** How long HAProxy may take to start listening. */
const START_TIMEOUT_MS = 15_000;

/** A running HAProxy. Start one with `HaproxyBalancer.start`. */
export class HaproxyBalancer implements Balancer {
  readonly kind = 'haproxy';

  private constructor(
    private readonly child: ChildProcess,
    private readonly options: HaproxyBalancerOptions,
    /** The config file it runs. */
    readonly configFile: string,
    private readonly statsSocket: string,
  ) {}

  /** Writes the config, starts HAProxy, and resolves once its admin socket answers. */
  static async start(o: HaproxyBalancerOptions): Promise<HaproxyBalancer> {
    mkdirSync(o.dir, { recursive: true, mode: 0o700 });
    // An existing folder keeps its mode on mkdir: narrow it before the admin socket (which can take servers out) goes in.
    chmodSync(o.dir, 0o700);
    const configFile = join(o.dir, HAPROXY_CONFIG_FILE);
    const statsSocket = join(o.dir, 'haproxy.sock');
    // HAProxy cannot bind port 0: a free port is chosen for it.
    const listen = o.listen.port === 0 ? { ...o.listen, port: await freePort(o.listen.host) } : o.listen;
    o = { ...o, listen };
    writeFileSync(configFile, haproxyConfig({ ...o, statsSocket }), { mode: 0o600 });
    const child = spawn(o.binary ?? haproxyBinary(), ['-db', '-f', configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr = (stderr + c.toString('utf8')).slice(-4000)));
    const failed = new Promise<never>((_, reject) => {
      child.once('error', (e: NodeJS.ErrnoException) =>
        reject(e.code === 'ENOENT' ? new Error(`--lb haproxy needs HAProxy, which is not installed: ${HAPROXY_INSTALL}`) : e),
      );
      child.once('exit', (code, signal) =>
        reject(new Error(`haproxy exited (${signal ?? `code ${code}`}) while starting:\n${stderr.trim()}`)),
      );
    });
    failed.catch(() => {});
    const balancer = new HaproxyBalancer(child, o, configFile, statsSocket);
    try {
      await Promise.race([failed, balancer.ready()]);
    } catch (e) {
      child.kill('SIGKILL');
      throw e;
    }
    return balancer;
  }

  get mode(): BalancerMode {
    return this.options.mode;
  }

  get check(): BalancerCheck {
    return this.options.check;
  }

  get address(): { host: string; port: number } {
    return this.options.listen;
  }

  async servers(): Promise<BalancerServerView[]> {
    return parseShowStat(await adminCommand(this.statsSocket, 'show stat'), 'vault');
  }

  /** Stops HAProxy at once (SIGTERM: its hard stop) and waits for it to exit. */
  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = once(this.child, 'exit');
    this.child.kill('SIGTERM');
    await exited;
  }

  /** Polls the admin socket until it lists every server. */
  private async ready(): Promise<void> {
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      const listed = await this.servers().catch(() => []);
      if (listed.length === this.options.servers.length) return;
      if (Date.now() > deadline) throw new Error(`haproxy did not start within ${START_TIMEOUT_MS} ms`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
