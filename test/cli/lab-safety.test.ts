/**
 * A lab that cannot be destroyed by accident, against real `vaultlab up` processes: a second
 * `up` over a live lab changes nothing; keys of existing storage are never overwritten; `down`
 * on a lab whose process was SIGKILLed removes its stale files; `reset` removes a lab's state
 * only when asked; every flag of `up` is checked before anything starts.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { askYesNo } from '../../src/cli/prompt.ts';
import { runCli, startCli } from '../helpers/run-cli.ts';
import { randomPortBase } from '../helpers/random-port-base.ts';

const dirs: string[] = [];
const children: Array<{ child: { kill(sig?: NodeJS.Signals): boolean; exitCode: number | null } }> = [];

async function tempHome(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'vaultlab-safety-'));
  dirs.push(dir);
  return join(dir, '.vaultlab');
}

/** Starts `vaultlab up` with its home in `home`; resolves once the banner is out. */
async function up(home: string, args: string[] = []) {
  const lab = startCli(['up', '--base-port', '0', ...args], /Ctrl-C stops the lab/, { VAULTLAB_HOME: home });
  children.push(lab);
  const banner = await lab.up;
  return { ...lab, banner, pid: lab.child.pid! };
}

type Lab = Awaited<ReturnType<typeof up>>;

/** Kills the lab's process as a crash would (SIGKILL: it cleans up nothing) and waits until it is gone. */
async function crash(lab: Lab): Promise<void> {
  lab.child.kill('SIGKILL');
  await lab.exited;
}

/** Stops the lab in `home` with `vaultlab down` and waits until its process is gone. */
async function downAndWait(home: string, lab: Lab): Promise<void> {
  await runCli(['down'], { VAULTLAB_HOME: home });
  await lab.exited;
}

/** The environment of a client of the lab in `home`: its first node's address (the token comes from init.json). */
function clientEnv(home: string): Record<string, string> {
  const file = JSON.parse(readFileSync(join(home, 'lab.json'), 'utf8')) as { nodes: { apiAddr: string }[] };
  return { VAULTLAB_HOME: home, VAULT_ADDR: file.nodes[0].apiAddr };
}

/** Every file of the home and its bytes (data/ excluded: the level database writes as it runs). */
function snapshot(home: string): Record<string, string> {
  const files = readdirSync(home).filter((f) => f !== 'data');
  return Object.fromEntries(files.map((f) => [f, readFileSync(join(home, f), 'base64')]));
}

afterEach(async () => {
  for (const c of children.splice(0)) if (c.child.exitCode === null) c.child.kill('SIGKILL');
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

describe('one lab per home', () => {
  it('a second up (level or memory) over a live lab exits 1 naming its pid and control address, and changes nothing', async () => {
    const home = await tempHome();
    const first = await up(home);
    const env = { VAULTLAB_HOME: home };
    const before = snapshot(home);
    expect(Object.keys(before).sort()).toEqual(['control.secret', 'init.json', 'lab.json', 'lab.lock']);
    const control = JSON.parse(readFileSync(join(home, 'lab.json'), 'utf8')).control as string;
    for (const storage of ['level', 'memory']) {
      const second = await runCli(['up', '--base-port', '0', '--storage', storage], env);
      expect(second.code, second.stdout).toBe(1);
      expect(second.stderr).toContain(`a lab is already running in ${home} (pid ${first.pid}, control ${control})`);
      expect(second.stderr).toMatch(/vaultlab down.*VAULTLAB_HOME/);
      expect(snapshot(home)).toEqual(before);
    }
    // The first lab still serves, with its old keys and token.
    expect((await runCli(['kv', 'put', 'secret/still', 'a=1'], clientEnv(home))).code).toBe(0);
    expect((await runCli(['kv', 'get', '-field=a', 'secret/still'], clientEnv(home))).stdout).toBe('1');
    expect((await runCli(['down'], env)).stdout).toContain('Success! The lab is down.');
    expect(await first.exited).toBe(0);
    // On exit it removed only its own files: the level lab's keys stay with its data.
    expect(readdirSync(home).sort()).toEqual(['data', 'init.json']);
  }, 120_000);

  it("a memory lab refuses a home whose init.json holds a level lab's keys, and leaves them as they were", async () => {
    const home = await tempHome();
    await downAndWait(home, await up(home));
    const keys = readFileSync(join(home, 'init.json'), 'utf8');
    const r = await runCli(['up', '--base-port', '0', '--storage', 'memory'], { VAULTLAB_HOME: home });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${join(home, 'init.json')} holds the keys of the level lab`);
    expect(readFileSync(join(home, 'init.json'), 'utf8')).toBe(keys);
    expect(readdirSync(home).sort()).toEqual(['data', 'init.json']);
    // The level lab comes back with the same keys.
    const again = await up(home);
    expect(again.banner).toContain(JSON.parse(keys).root_token);
  }, 120_000);
});

describe('a lab whose process is gone', () => {
  it('down removes its stale files and says so (exit 0); the keys stay, and up serves the same data again', async () => {
    const home = await tempHome();
    const env = { VAULTLAB_HOME: home };
    const lab = await up(home);
    expect((await runCli(['kv', 'put', 'secret/kept', 'a=2'], clientEnv(home))).code).toBe(0);
    await crash(lab);
    const status = await runCli(['status', '--all'], env);
    expect(status.code).toBe(1);
    expect(status.stderr).toContain(`the lab (pid ${lab.pid}) is not running: "vaultlab down" removes its stale files`);
    const down = await runCli(['down'], env);
    expect(down.code, down.stderr).toBe(0);
    expect(down.stdout).toBe(`the lab (pid ${lab.pid}) was not running: removed its stale files (lab.json, control.secret, lab.lock)\n`);
    expect(readdirSync(home).sort()).toEqual(['data', 'init.json']);
    expect((await runCli(['down'], env)).stderr).toMatch(/no lab is running here/);
    await up(home);
    expect((await runCli(['kv', 'get', '-field=a', 'secret/kept'], clientEnv(home))).stdout).toBe('2');
  }, 120_000);

  it('up takes over the stale lock of a SIGKILLed lab with a note', async () => {
    const home = await tempHome();
    const lab = await up(home, ['--storage', 'memory']);
    await crash(lab);
    const next = await up(home, ['--storage', 'memory']);
    // The dead memory lab's keys unlock nothing: they went with its stale files, and the new lab has its own.
    expect(next.output().stderr).toContain(
      `Note: the lab of pid ${lab.pid} was not running: removed its stale files (lab.json, control.secret, lab.lock, init.json)`,
    );
    expect(readFileSync(join(home, 'lab.lock'), 'utf8').trim()).toBe(String(next.pid));
  }, 120_000);
});

describe('reset', () => {
  it('refuses while the lab runs, refuses without -force when it cannot ask, and with -force removes the state and says what', async () => {
    const home = await tempHome();
    const env = { VAULTLAB_HOME: home };
    const lab = await up(home);
    const busy = await runCli(['reset', '-force'], env);
    expect(busy.code).toBe(1);
    expect(busy.stderr).toContain(`a lab is already running in ${home} (pid ${lab.pid}`);
    expect(existsSync(join(home, 'init.json'))).toBe(true);
    await downAndWait(home, lab);
    const unasked = await runCli(['reset'], env);
    expect(unasked.code).toBe(1);
    expect(unasked.stderr).toContain('pass -force to confirm (stdin is not a terminal)');
    expect(readdirSync(home).sort()).toEqual(['data', 'init.json']);
    const forced = await runCli(['reset', '-force'], env);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toBe(`Success! Removed init.json, data/ from ${home}.\n`);
    expect(existsSync(home)).toBe(false);
    expect((await runCli(['reset', '-force'], env)).stdout).toContain('Nothing to remove');
  }, 120_000);

  it.each([
    ['y\n', true],
    ['yes\n', true],
    ['\n', false],
    ['n\n', false],
    ['sure\n', false],
    ['', false],
  ])('asks [y/N]: %j is %s', async (typed, yes) => {
    const input = new PassThrough();
    const output = new PassThrough();
    let asked = '';
    output.on('data', (d) => (asked += d));
    const answer = askYesNo('Remove? [y/N] ', input as unknown as typeof process.stdin, output as unknown as typeof process.stderr);
    input.end(typed);
    expect(await answer).toBe(yes);
    expect(asked).toBe('Remove? [y/N] ');
  });
});

describe('up checks every flag before anything starts', () => {
  it.each([
    [['--nodes', '0'], '--nodes must be a whole number from 1 to 9, not "0"'],
    [['--nodes', 'abc'], '--nodes must be a whole number from 1 to 9, not "abc"'],
    [['--nodes', '11'], '--nodes must be a whole number from 1 to 9, not "11"'],
    [['--nodes', '2.5'], '--nodes must be a whole number from 1 to 9, not "2.5"'],
    [['--base-port', 'x'], '--base-port must be 0 (any free ports) or a port from 1024 to 65514'],
    [['--base-port', '80'], 'not "80"'],
    [['--base-port', '65530'], 'not "65530"'],
    [['--base-port', '-1'], '--base-port must be'],
    [['--storage', 'disk'], '--storage must be level, memory or etcd, not "disk"'],
    [['--timings', 'fast'], '--timings must be one of lab, vault, consul, not "fast"'],
    [['--lock-ttl', '3'], '--lock-ttl must be a duration from 100ms to 60m, such as 1s, 500ms or 15s, not "3"'],
    [['--lock-ttl', '10ms'], 'not "10ms"'],
    [['--lock-ttl', '2h'], 'not "2h"'],
    [['--renew-interval', 'soon'], '--renew-interval must be a duration'],
    [['--renew-interval', '1s'], '--renew-interval "1s" must be shorter than 90% of the lock TTL (900 ms)'],
    [['--lock-ttl', '3s', '--renew-interval', '2.8s'], '--renew-interval "2.8s" must be shorter than 90% of the lock TTL (2700 ms)'],
  ])('%j', async (args, message) => {
    const home = await tempHome();
    const r = await runCli(['up', ...args], { VAULTLAB_HOME: home });
    expect(r.code, r.stdout).toBe(1);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toMatch(/Cannot read properties/);
    expect(existsSync(home)).toBe(false);
  });

  it('places the control port at base + 9, where no node of the largest lab lands, and prints the port plan', async () => {
    const home = await tempHome();
    const base = randomPortBase(100);
    const lab = await up(home, ['--nodes', '9', '--storage', 'memory', '--base-port', String(base)]);
    const file = JSON.parse(readFileSync(join(home, 'lab.json'), 'utf8')) as { control: string; nodes: { apiAddr: string }[] };
    expect(file.control).toBe(`http://127.0.0.1:${base + 9}`);
    expect(file.nodes.map((n) => Number(new URL(n.apiAddr).port))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8].map((i) => base + 10 * i));
    expect(lab.banner).toContain(`ports: node i API ${base} + 10·(i−1) (${base}…${base + 80}), cluster API + 1, control ${base + 9}`);
    expect((await runCli(['status', '--all'], { VAULTLAB_HOME: home })).code).toBe(0);
  }, 120_000);
});
