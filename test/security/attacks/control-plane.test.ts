/**
 * The lab's control plane under attack. A running lab (in this process, real sockets) is
 * hit the way a web page the lab's user opens could hit it: a cross-site text/plain POST,
 * a DNS-rebinding request naming a foreign Host, no secret, a wrong secret, a non-JSON or
 * oversized or never-finished body. Each must be refused in {"errors":[...]} and leave the
 * lab exactly as it was (active node, terms, faults, timeline). Then every verb's bad
 * inputs, over HTTP and through the CLI, which must refuse them before anything starts.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VAULT_TIMINGS } from '../../../src/ha/index.ts';
import { LabFaults, startControlServer, startLab, type RunningLab } from '../../../src/lab/index.ts';
import { holderToken } from '../../../src/lab/key-holders.ts';
import { controlRequest, labDigest, type ControlAnswer } from '../../helpers/control-http.ts';
import { runCli } from '../../helpers/run-cli.ts';

let lab: RunningLab;
let home: string;
let port: number;
let secret: string;

/** Where the lab keeps its control secret (the documented place, read as a user would). */
const secretFile = () => join(home, '.vaultlab', 'control.secret');

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'vaultlab-control-'));
  // Vault's 15 s lease: no failover happens on its own while the table runs on a loaded box.
  lab = await startLab({ nodes: 3, storage: 'memory', basePort: 0, controlPort: 0, home: join(home, '.vaultlab'), timings: VAULT_TIMINGS });
  port = Number(new URL(lab.control).port);
  secret = existsSync(secretFile()) ? readFileSync(secretFile(), 'utf8').trim() : '';
});
afterAll(async () => {
  await lab?.close();
  await rm(home, { recursive: true, force: true });
});

const json = () => ({ 'content-type': 'application/json', authorization: `Bearer ${secret}` });

function expectRefused(r: ControlAnswer, status: number): void {
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  expect(r.body.errors).toEqual([expect.any(String)]);
  expect(r.headers['access-control-allow-origin']).toBeUndefined();
}

describe('the control secret', () => {
  it('lives in a 0600 file under the lab home, 256 bits from the CSPRNG', () => {
    expect(statSync(secretFile()).mode & 0o777).toBe(0o600);
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('lets a well-formed request through (the refusals below are about the request, not the route)', async () => {
    const r = await controlRequest(port, 'GET', '/status', { authorization: `Bearer ${secret}` });
    expect(r.status).toBe(200);
    expect(r.body.result.nodes.map((n: { ha_mode: string }) => n.ha_mode).sort()).toEqual(['active', 'standby', 'standby']);
  });
});

describe('requests the control plane refuses, leaving the lab unchanged', () => {
  const evil = { origin: 'http://evil.example' };
  const cases: Array<{
    name: string;
    method?: string;
    path: string;
    headers: () => Record<string, string>;
    body?: string;
    status: number;
  }> = [
    {
      name: 'a POST without the secret',
      path: '/step-down',
      headers: () => ({ 'content-type': 'application/json' }),
      body: '{}',
      status: 401,
    },
    {
      name: 'a cross-site text/plain POST with no secret',
      path: '/step-down',
      headers: () => ({ ...evil, 'content-type': 'text/plain' }),
      body: '{}',
      status: 403,
    },
    {
      name: 'a cross-site text/plain kill with no secret',
      path: '/kill',
      headers: () => ({ ...evil, 'content-type': 'text/plain;charset=UTF-8' }),
      body: '{"node":"node1"}',
      status: 403,
    },
    {
      name: 'a cross-site POST even with the secret',
      path: '/step-down',
      headers: () => ({ ...json(), ...evil }),
      body: '{}',
      status: 403,
    },
    {
      name: 'an opaque (null) Origin with the secret',
      path: '/step-down',
      headers: () => ({ ...json(), origin: 'null' }),
      body: '{}',
      status: 403,
    },
    {
      name: 'a wrong secret',
      path: '/step-down',
      headers: () => ({ ...json(), authorization: 'Bearer not-the-secret' }),
      body: '{}',
      status: 401,
    },
    {
      name: 'a wrong secret of the right length',
      path: '/step-down',
      headers: () => ({ ...json(), authorization: `Bearer ${'A'.repeat(secret.length)}` }),
      body: '{}',
      status: 401,
    },
    {
      name: 'the secret in the wrong scheme',
      path: '/step-down',
      headers: () => ({ ...json(), authorization: `Basic ${secret}` }),
      body: '{}',
      status: 401,
    },
    {
      name: 'a foreign Host (DNS rebinding) with the secret',
      path: '/step-down',
      headers: () => ({ ...json(), host: 'evil.example:8300' }),
      body: '{}',
      status: 403,
    },
    {
      name: 'a foreign Host reading status',
      method: 'GET',
      path: '/status',
      headers: () => ({ authorization: `Bearer ${secret}`, host: `evil.example:${port}` }),
      status: 403,
    },
    {
      name: 'a loopback Host on another port',
      path: '/step-down',
      headers: () => ({ ...json(), host: `127.0.0.1:${port + 1}` }),
      body: '{}',
      status: 403,
    },
    {
      name: 'a text/plain body with the secret',
      path: '/step-down',
      headers: () => ({ ...json(), 'content-type': 'text/plain' }),
      body: '{}',
      status: 415,
    },
    {
      name: 'a form body with the secret',
      path: '/kill',
      headers: () => ({ ...json(), 'content-type': 'application/x-www-form-urlencoded' }),
      body: 'node=node1',
      status: 415,
    },
    {
      name: 'a POST with no content type',
      path: '/step-down',
      headers: () => ({ authorization: `Bearer ${secret}` }),
      body: '{}',
      status: 415,
    },
    { name: 'a body that is not JSON', path: '/step-down', headers: json, body: '{"node":', status: 400 },
    { name: 'a body over the bound', path: '/step-down', headers: json, body: JSON.stringify({ pad: 'x'.repeat(8 * 1024) }), status: 413 },
    {
      name: 'a chunked body over the bound (no length to check up front)',
      path: '/step-down',
      headers: () => ({ ...json(), 'transfer-encoding': 'chunked' }),
      body: JSON.stringify({ pad: 'x'.repeat(8 * 1024) }),
      status: 413,
    },
    { name: 'a status read without the secret', method: 'GET', path: '/status', headers: () => ({}), status: 401 },
    {
      name: 'a CORS preflight',
      method: 'OPTIONS',
      path: '/step-down',
      headers: () => ({ ...evil, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' }),
      status: 403,
    },
    {
      name: 'seal without the secret',
      path: '/seal',
      headers: () => ({ 'content-type': 'application/json' }),
      body: '{"node":"node1"}',
      status: 401,
    },
    {
      name: 'a fault without the secret',
      path: '/fault',
      headers: () => ({ 'content-type': 'application/json' }),
      body: '{"node":"node2","kind":"partition-peers"}',
      status: 401,
    },
    { name: 'heal without the secret', path: '/heal', headers: () => ({ 'content-type': 'application/json' }), body: '{}', status: 401 },
    { name: 'the event stream without the secret', method: 'GET', path: '/events', headers: () => ({}), status: 401 },
    {
      name: 'the event stream from a foreign origin, even with the secret',
      method: 'GET',
      path: '/events',
      headers: () => ({ authorization: `Bearer ${secret}`, ...evil }),
      status: 403,
    },
    {
      name: "the dashboard's page under a foreign Host (DNS rebinding)",
      method: 'GET',
      path: '/ui/',
      headers: () => ({ host: `evil.example:${port}` }),
      status: 403,
    },
    {
      name: 'an unseal share without the secret',
      path: '/unseal',
      headers: () => ({ 'content-type': 'application/json' }),
      body: '{"node":"node1","key":"00"}',
      status: 401,
    },
    {
      name: 'an unseal reset from a foreign origin with the secret',
      path: '/unseal-reset',
      headers: () => ({ ...json(), ...evil }),
      body: '{"node":"node1"}',
      status: 403,
    },
    {
      name: "a key holder's credential on a lab verb",
      path: '/kill',
      headers: () => ({ 'content-type': 'application/json', authorization: `Holder 1.${holderToken(secret, 1)}` }),
      body: '{"node":"node1"}',
      status: 403,
    },
    {
      name: "a key holder's credential asking for the links of every holder",
      method: 'GET',
      path: '/holders',
      headers: () => ({ authorization: `Holder 2.${holderToken(secret, 2)}` }),
      status: 403,
    },
    {
      name: 'a key holder token for another share',
      method: 'GET',
      path: '/holder',
      headers: () => ({ authorization: `Holder 1.${holderToken(secret, 2)}` }),
      status: 401,
    },
    {
      name: 'a key holder number past the shares',
      method: 'GET',
      path: '/holder',
      headers: () => ({ authorization: `Holder 6.${holderToken(secret, 6)}` }),
      status: 401,
    },
    {
      name: 'a key holder credential from a foreign origin',
      method: 'GET',
      path: '/holder',
      headers: () => ({ authorization: `Holder 1.${holderToken(secret, 1)}`, ...evil }),
      status: 403,
    },
    {
      name: 'down from a cross-site page',
      path: '/down',
      headers: () => ({ ...evil, 'content-type': 'text/plain' }),
      body: '{}',
      status: 403,
    },
  ];

  it.each(cases)('$name → $status', async (c) => {
    const before = labDigest(lab.cluster);
    expectRefused(await controlRequest(port, c.method ?? 'POST', c.path, c.headers(), c.body), c.status);
    expect(labDigest(lab.cluster)).toBe(before);
  });

  it('answers a body that never finishes with 408 and changes nothing', async () => {
    // A second endpoint on the same lab with a short body timeout, so the test waits for an answer, not a clock.
    const quick = await startControlServer(
      { cluster: lab.cluster, faults: new LabFaults(lab.cluster), unsealAll: async () => {}, down: async () => {} },
      { port: 0, secret, bodyTimeoutMs: 200 },
    );
    try {
      const before = labDigest(lab.cluster);
      const qport = Number(new URL(quick.url).port);
      const head = `POST /step-down HTTP/1.1\r\nHost: 127.0.0.1:${qport}\r\nAuthorization: Bearer ${secret}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"no`;
      const answer = await new Promise<string>((resolve) => {
        const sock = connect({ host: '127.0.0.1', port: qport }, () => sock.write(head));
        let got = '';
        sock.on('data', (d) => (got += d));
        sock.on('close', () => resolve(got));
        sock.on('error', () => resolve(got));
      });
      expect(answer).toMatch(/^HTTP\/1\.1 408 /);
      expect(labDigest(lab.cluster)).toBe(before);
    } finally {
      await quick.close();
    }
  });
});

describe('bad control inputs: 400, nothing started', () => {
  const post = (path: string, body: unknown) => controlRequest(port, 'POST', path, json(), JSON.stringify(body));

  it('a well-formed timed fault works and heals (so the refusals below come from the checks)', async () => {
    const r = await post('/fault', { node: 'node2', kind: 'partition-peers', duration_ms: 600_000 });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(lab.cluster.get('node2').forwarder.blocked).toBe(true);
    expect((await post('/heal', {})).status).toBe(200);
    expect(lab.cluster.get('node2').forwarder.blocked).toBe(false);
  });

  const table: Array<[string, string, unknown]> = [
    ['duration "abc"', '/fault', { node: 'node2', kind: 'partition-peers', duration_ms: 'abc' }],
    ['duration as a string of digits', '/fault', { node: 'node2', kind: 'partition-peers', duration_ms: '500' }],
    ['duration 0', '/fault', { node: 'node2', kind: 'partition-peers', duration_ms: 0 }],
    ['negative duration', '/fault', { node: 'node2', kind: 'partition-peers', duration_ms: -5 }],
    ['fractional duration', '/fault', { node: 'node2', kind: 'partition-peers', duration_ms: 1.5 }],
    ['duration over an hour', '/fault', { node: 'node2', kind: 'partition-peers', duration_ms: 3_600_001 }],
    ['duration null', '/fault', { node: 'node2', kind: 'pause', duration_ms: null }],
    ['unknown fault kind', '/fault', { node: 'node2', kind: 'bogus' }],
    ['a prototype name as kind', '/fault', { node: 'node2', kind: 'constructor' }],
    ['no kind', '/fault', { node: 'node2' }],
    ['no node', '/fault', { kind: 'partition-peers' }],
    ['a node-fault on "storage"', '/fault', { node: 'storage', kind: 'partition-peers' }],
    ['a node that is not in the lab', '/fault', { node: 'node9', kind: 'pause' }],
    ['a storage fault on a node', '/fault', { node: 'node1', kind: 'slow-storage' }],
    ['delete-lock on a node', '/fault', { node: 'node1', kind: 'delete-lock' }],
    ['a duration on seal (it never ends by itself)', '/fault', { node: 'node3', kind: 'seal', duration_ms: 500 }],
    ['a duration on step-down', '/fault', { node: 'active', kind: 'step-down', duration_ms: 500 }],
    ['an unknown field on a fault', '/fault', { node: 'node2', kind: 'pause', ms: 500 }],
    ['kill without a node', '/kill', {}],
    ['kill of a node not in the lab', '/kill', { node: 'node9' }],
    ['kill with a number for a node', '/kill', { node: 1 }],
    ['seal with an extra field', '/seal', { node: 'node3', force: true }],
    ['restart of a node that is up', '/restart', { node: 'node3' }],
    ['step-down with an argument', '/step-down', { node: 'node1' }],
    ['heal with an argument', '/heal', { all: true }],
    ['unseal-all with an argument', '/unseal-all', { keys: ['x'] }],
    ['a body that is an array', '/heal', []],
  ];

  it.each(table)('%s → 400', async (_name, path, body) => {
    const before = labDigest(lab.cluster);
    expectRefused(await post(path, body), 400);
    expect(labDigest(lab.cluster)).toBe(before);
  });

  it('step-down naming a standby → 400', async () => {
    const standby = lab.cluster.nodes.find((n) => n.node.state === 'standby')!.name;
    const before = labDigest(lab.cluster);
    expectRefused(await post('/fault', { node: standby, kind: 'step-down' }), 400);
    expect(labDigest(lab.cluster)).toBe(before);
  });

  it('a second pause of a paused node → 400 (the first pause would never end); heal ends it', async () => {
    expect((await post('/fault', { node: 'node3', kind: 'pause' })).status).toBe(200);
    const paused = labDigest(lab.cluster);
    expectRefused(await post('/fault', { node: 'node3', kind: 'pause', duration_ms: 100 }), 400);
    expect(labDigest(lab.cluster)).toBe(paused);
    expect((await post('/heal', {})).status).toBe(200);
    expect(lab.cluster.get('node3').node.paused).toBe(false);
  });

  it.each([
    ['POST', '/frobnicate', 404],
    ['POST', '/kill/node1', 404],
    ['POST', '/fault/node2/partition-peers/500', 404],
    ['POST', '/__proto__', 404],
    ['GET', '/kill', 405],
    ['POST', '/status', 405],
  ])('%s %s → %i', async (method, path, status) => {
    const before = labDigest(lab.cluster);
    expectRefused(await controlRequest(port, method, path, json(), method === 'POST' ? '{"node":"node1"}' : undefined), status);
    expect(labDigest(lab.cluster)).toBe(before);
  });
});

describe('the CLI against the lab, with the secret', () => {
  const env = () => ({ VAULTLAB_HOME: join(home, '.vaultlab') });

  it('vaultlab fault node2 partition-peers --duration abc exits 1 and starts nothing', async () => {
    const before = labDigest(lab.cluster);
    const r = await runCli(['fault', 'node2', 'partition-peers', '--duration', 'abc'], env());
    expect(r.code, r.stdout).toBe(1);
    expect(r.stderr).toMatch(/--duration must be a whole number of milliseconds/);
    expect(labDigest(lab.cluster)).toBe(before);
  });

  it('the lab verbs still work end to end (they send the secret a bare request lacks): status, a timed fault, heal, seal and unseal, kill and restart', async () => {
    expectRefused(await controlRequest(port, 'GET', '/status'), 401);
    const all = await runCli(['status', '--all', '-format=json'], env());
    expect(all.code, all.stderr).toBe(0);
    expect(JSON.parse(all.stdout).nodes).toHaveLength(3);
    const fault = await runCli(['fault', 'node2', 'partition-peers', '--duration', '600000'], env());
    expect(fault.stdout).toContain('Success! partition-peers on node2 for 600000 ms');
    expect(lab.cluster.get('node2').forwarder.blocked).toBe(true);
    expect((await runCli(['heal'], env())).code).toBe(0);
    expect(lab.cluster.get('node2').forwarder.blocked).toBe(false);
    const standby = lab.cluster.nodes.find((n) => n.node.state === 'standby')!.name;
    expect((await runCli(['seal', standby], env())).code).toBe(0);
    expect(lab.cluster.get(standby).node.state).toBe('sealed');
    expect((await runCli(['unseal', '--all'], env())).code).toBe(0);
    await expect.poll(() => lab.cluster.get(standby).node.state, { timeout: 20_000 }).toBe('standby');
    expect((await runCli(['kill', standby], env())).code).toBe(0);
    expect(lab.cluster.get(standby).up).toBe(false);
    expect((await runCli(['restart', standby], env())).code).toBe(0);
    expect(lab.cluster.get(standby).up).toBe(true);
  });

  it('down with the secret stops the lab and takes the secret with it', async () => {
    expect(existsSync(secretFile())).toBe(true);
    expect((await runCli(['down'], env())).code).toBe(0);
    await lab.closed;
    expect(existsSync(secretFile())).toBe(false);
  });
});
