/**
 * `vaultlab ui`: the banner names the dashboard, `ui --print` prints its address with the lab's
 * secret in the fragment (the page works with it: the event stream answers), and without a
 * running lab it says how to start one.
 */
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, startCli } from '../helpers/run-cli.ts';

let dir: string;
let lab: ReturnType<typeof startCli>;
let banner: string;
const env = () => ({ VAULTLAB_HOME: join(dir, '.vaultlab') });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vaultlab-ui-cli-'));
  lab = startCli(['up', '--base-port', '0', '--storage', 'memory'], /Dashboard: .*\n/, env());
  banner = await lab.up;
}, 60_000);
afterAll(async () => {
  if (lab?.child.exitCode === null) lab.child.kill('SIGKILL');
  await lab?.exited;
  await rm(dir, { recursive: true, force: true });
});

describe('vaultlab ui', () => {
  it("prints the dashboard's address with the lab's secret in its fragment, and the page's stream answers to it", async () => {
    const control = JSON.parse(readFileSync(join(dir, '.vaultlab', 'lab.json'), 'utf8')).control as string;
    expect(banner).toContain(`Dashboard: ${control}/ui/ (\`vaultlab ui\` opens it with the lab's secret)`);
    const r = await runCli(['ui', '--print'], env());
    expect(r.code, r.stderr).toBe(0);
    const secret = readFileSync(join(dir, '.vaultlab', 'control.secret'), 'utf8').trim();
    expect(r.stdout).toBe(`${control}/ui/#secret=${secret}\n`);
    const url = new URL(r.stdout.trim());
    const stream = await fetch(`${url.origin}/events`, {
      headers: { authorization: `Bearer ${new URLSearchParams(url.hash.slice(1)).get('secret')}` },
    });
    expect(stream.status).toBe(200);
    await stream.body!.cancel();
  });

  it('without a running lab, says how to start one', async () => {
    const r = await runCli(['ui', '--print'], { VAULTLAB_HOME: join(dir, 'nowhere') });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('no lab is running here');
    expect(r.stderr).toContain('run "vaultlab up"');
  });
});
