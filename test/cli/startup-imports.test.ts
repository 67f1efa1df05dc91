/**
 * What each CLI command loads: the built CLI runs under test/helpers/load-log.mjs, a Node module hook
 * that records every resolved URL, so a command that pulls in the server (fastify), the storage (level)
 * or the benchmark (autocannon) is caught, whatever the import chain.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevServer, type DevServer } from '../../src/lab/index.ts';
import { runNode, startCli } from '../helpers/run-cli.ts';

const BIN = fileURLToPath(new URL('../../bin/vaultlab.js', import.meta.url));
const LOAD_LOG_HOOK = new URL('../helpers/load-log.mjs', import.meta.url).href;
const HEAVY = /\/node_modules\/(fastify|@fastify|level|classic-level|abstract-level|autocannon|xstate|etcd3|@grpc)\//;

let dev: DevServer;
let dir: string;

beforeAll(async () => {
  dev = await startDevServer({ listenAddress: '127.0.0.1:0', rootTokenId: 'root' });
  dir = mkdtempSync(join(tmpdir(), 'vaultlab-imports-'));
});
afterAll(() => dev.close());

/** Runs the CLI with the hook; resolves with its exit code and every URL it resolved. */
async function loadsOf(args: string[], name: string, extraEnv: Record<string, string> = {}): Promise<{ code: number; urls: string[] }> {
  const log = join(dir, `${name}.log`);
  writeFileSync(log, '');
  const env = {
    ...process.env,
    VAULT_ADDR: dev.apiAddr,
    VAULT_TOKEN: 'root',
    VAULTLAB_QUIET_ADDR: '1',
    VAULTLAB_LOAD_LOG: log,
    ...extraEnv,
  };
  const { code } = await runNode(['--import', LOAD_LOG_HOOK, BIN, ...args], { env });
  return { code, urls: readFileSync(log, 'utf8').split('\n').filter(Boolean) };
}

describe('a command loads only what it needs', () => {
  it('status runs the build and loads neither fastify, level nor autocannon', async () => {
    const { code, urls } = await loadsOf(['status'], 'status');
    expect(code).toBe(0);
    // The hook saw the run (a hook that recorded nothing would pass any check below), from dist/.
    expect(urls.some((u) => u.endsWith('/dist/src/cli/status-command.js'))).toBe(true);
    expect(urls.filter((u) => u.includes('/src/') && !u.includes('/dist/'))).toEqual([]);
    expect(urls.filter((u) => HEAVY.test(u))).toEqual([]);
    expect(urls.filter((u) => u.includes('/dist/src/') && !u.includes('/dist/src/cli/'))).toEqual([]);
    // Two requests do not need an HTTP library: node:http answers, and undici's ~100 ms of loading is saved.
    expect(urls.filter((u) => u.includes('/node_modules/undici/'))).toEqual([]);
  });

  it.each([
    ['version', ['version']],
    ['help of a command', ['help', 'kv']],
    ['kv put', ['kv', 'put', 'secret/imports', 'a=1']],
    ['read', ['read', 'sys/health']],
    ['token lookup', ['token', 'lookup']],
    ['policy list', ['policy', 'list']],
    ['operator members', ['operator', 'members']],
  ])('%s loads neither fastify, level nor autocannon', async (name, args) => {
    const { code, urls } = await loadsOf(args, name.replace(/ /g, '-'));
    expect(code).toBe(0);
    expect(urls.some((u) => u.endsWith('/dist/src/cli/main.js'))).toBe(true);
    expect(urls.filter((u) => HEAVY.test(u))).toEqual([]);
  });

  it('status --all and a lab verb, against a running lab, load neither fastify, level nor autocannon', async () => {
    const home = mkdtempSync(join(tmpdir(), 'vaultlab-imports-lab-'));
    const lab = startCli(['up', '--storage', 'memory', '--base-port', '0'], /Ctrl-C stops the lab/, { VAULTLAB_HOME: home });
    try {
      await lab.up;
      for (const args of [['status', '--all'], ['heal']]) {
        const { code, urls } = await loadsOf(args, args.join('-'), { VAULTLAB_HOME: home });
        expect(code).toBe(0);
        expect(urls.some((u) => u.endsWith('/dist/src/cli/lab-control.js'))).toBe(true);
        if (args[0] === 'status') expect(urls.some((u) => u.endsWith('/dist/src/cli/status-all-command.js'))).toBe(true);
        expect(urls.filter((u) => HEAVY.test(u) || u.includes('/node_modules/undici/'))).toEqual([]);
      }
    } finally {
      lab.child.kill('SIGINT');
      await lab.exited;
      rmSync(home, { recursive: true, force: true });
    }
  }, 120_000);

  it('the lab server and up do load them (the hook sees a heavy import when there is one)', async () => {
    const server = await loadsOf(['server', '-config=/nonexistent/vaultlab.hcl'], 'server');
    expect(server.urls.some((u) => /\/node_modules\/fastify\//.test(u))).toBe(true);
    const up = await loadsOf(['up', '--nodes', 'abc'], 'up');
    expect(up.urls.some((u) => /\/node_modules\/fastify\//.test(u))).toBe(true);
  });
});
