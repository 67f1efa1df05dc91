/**
 * Disk faults found by an adversarial pass on a running lab:
 * - a full disk made every node drop to standby (the active's lease renewal failed on the
 *   core/lock mirror write) and the standbys took and gave back the lock every 200 ms
 *   (term 149 after 10 s) while 93 of 96 reads failed;
 * - storage errors hid their cause ("Database failed to open", "Unseal failed, invalid key"
 *   for a corrupt core/master, "no node became active in time" for a corrupt core/mounts),
 *   and a '//' in a KV path answered with the storage key and mount id;
 * - level wrote without fsync and a torn log lost acknowledged writes in silence.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp, readdir, rm, truncate, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SimClock } from '../../../src/clock/index.ts';
import { LAB_TIMINGS, lockRetryDelayMs } from '../../../src/ha/index.ts';
import { Cluster, labTrouble, startLab } from '../../../src/lab/index.ts';
import { whyNoActive } from '../../../src/lab/lab-runner.ts';
import { UsageError } from '../../../src/cli/output.ts';
import { parseServerConfig } from '../../../src/cli/server-config.ts';
import { troubleLines } from '../../../src/cli/trouble-lines.ts';
import { LevelBackend, StorageKeys, type LockEvent } from '../../../src/storage/index.ts';
import { call, initAndUnseal, makeNode, removeDir } from '../../helpers/node-fixture.ts';
import { storageDigest } from '../../helpers/storage-dump.ts';
import { FullDiskLevelBackend, FullDiskMemoryBackend } from '../../storage/full-disk.ts';

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));
async function tempDir(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'vaultlab-disk-'));
  dirs.push(d);
  return d;
}

/**
 * A 3-node lab in virtual time on a memory backend whose disk can fill, unsealed, with an
 * active node (unless `beforeUnseal` breaks something).
 */
async function virtualLab(beforeUnseal?: (backend: FullDiskMemoryBackend) => Promise<void>) {
  const clock = new SimClock(Date.UTC(2026, 0, 1));
  const backend = await FullDiskMemoryBackend.create({ clock });
  const cluster = await Cluster.start({ nodes: 3, storage: 'memory', backend, clock, listen: false, basePort: 0 });
  const init = await cluster.init(5, 3);
  await beforeUnseal?.(backend);
  await cluster.unsealAll(init.keys.slice(0, 3));
  for (let i = 0; i < 200 && !cluster.active(); i++) await clock.advance(10);
  const acquired: Array<LockEvent & { t: number }> = [];
  backend.onEvent((e) => e.type === 'lock' && e.event === 'acquired' && acquired.push({ ...e, t: clock.now() }));
  const request = (node: string, operation: 'read' | 'update', path: string, data: Record<string, unknown> = {}) =>
    cluster.get(node).node.handle({ operation, path, data, token: init.rootToken });
  const close = async () => {
    for (const n of cluster.nodes) n.node.close();
    await backend.close();
  };
  return { clock, backend, cluster, acquired, request, close };
}

describe('a full disk', () => {
  it('leaves the active holding its lease and serving reads; writes fail with the database cause; the term stays', async () => {
    const lab = await virtualLab();
    const active = lab.cluster.active()!;
    const term = active.node.term;
    await lab.request(active.name, 'update', 'secret/data/k', { data: { v: 'before' } });
    lab.backend.disk.full = true;

    await expect(lab.request(active.name, 'update', 'secret/data/k2', { data: { v: 'x' } })).rejects.toMatchObject({
      code: 'STORAGE_IO',
      message: expect.stringMatching(/^storage write failed: IO error: .*000003\.log: No space left on device$/),
    });
    // Ten lease times: thirty renewals whose core/lock mirror cannot be written.
    await lab.clock.advance(10 * LAB_TIMINGS.lockTtlMs);
    expect(lab.cluster.active()?.name).toBe(active.name);
    expect(active.node.term).toBe(term);
    expect(lab.acquired).toEqual([]);
    const read = await lab.request(active.name, 'read', 'secret/data/k');
    expect((read.response?.data as { data: { v: string } }).data.v).toBe('before');

    // Status says why: the database's words, and since when.
    expect(lab.cluster.storageStatus.failure()).toMatchObject({
      code: 'STORAGE_IO',
      message: expect.stringContaining('No space left on device'),
    });
    expect(troubleLines(labTrouble(lab.cluster))).toEqual([
      expect.stringMatching(/^Storage: since 2026-01-01T.*writes failing: storage write failed: .*No space left on device/),
    ]);

    lab.backend.disk.full = false;
    await lab.request(active.name, 'update', 'secret/data/k2', { data: { v: 'after' } });
    expect(lab.cluster.storageStatus.failure()).toBeUndefined();
    expect(lab.cluster.timeline.events.at(-1)).toMatchObject({ node: 'storage', type: 'storage-recovered' });
    expect(troubleLines(labTrouble(lab.cluster))).toEqual([]);
    await lab.close();
  });

  it('with no active, backs the campaign off (lockRetryMs doubling to one lock TTL) and says why', async () => {
    const lab = await virtualLab();
    const gone = lab.cluster.active()!.name;
    lab.backend.disk.full = true;
    await lab.cluster.kill(gone);
    const start = lab.clock.now();
    await lab.clock.advance(10_000);

    // Before: each standby took and gave back the lock every 200 ms, a term each (the lab reached term 149).
    expect(lab.cluster.active()).toBeUndefined();
    expect(lab.acquired.length).toBeLessThanOrEqual(2 * 12);
    for (const node of lab.cluster.nodes.filter((n) => n.name !== gone)) {
      const times = lab.acquired.filter((e) => e.holder.startsWith(`${node.name}-`)).map((e) => e.t);
      expect(times.length).toBeGreaterThan(3);
      times.forEach((t, i) => i > 0 && expect(t - times[i - 1]).toBeGreaterThanOrEqual(lockRetryDelayMs(LAB_TIMINGS, i)));
      expect(times[0]).toBeGreaterThanOrEqual(start);
    }
    const reasons = lab.cluster.timeline.events.filter((e) => e.type === 'lock-retry');
    expect(reasons.length).toBe(2); // one per node: repeats of the same reason only count
    expect(reasons[0].detail).toMatch(
      /^could not take the lock: storage write failed: IO error: .*No space left on device; trying again in 200 ms, backing off up to 1000 ms$/,
    );
    expect(whyNoActive(lab.cluster)).toMatch(
      /could not take the lock: storage write failed: .*No space left on device.*storage: writes failing/,
    );
    expect(troubleLines(labTrouble(lab.cluster)).filter((l) => l.includes('is not becoming active: could not take the lock'))).toHaveLength(
      2,
    );

    lab.backend.disk.full = false;
    await lab.clock.advance(LAB_TIMINGS.lockRetryMaxMs! + LAB_TIMINGS.leaderCheckMs);
    expect(lab.cluster.active()).toBeDefined();
    expect(troubleLines(labTrouble(lab.cluster))).toEqual([]);
    await lab.close();
  });

  it("on level: the disk-full error is a StorageIoError with LevelDB's error as its cause; renewals survive it, acquisitions do not", async () => {
    const backend = await FullDiskLevelBackend.create({ path: await tempDir() });
    const a = backend.lock(StorageKeys.lock, 'A', { holder: 'a', ttlMs: 60_000 });
    const grant = (await a.acquire(new AbortController().signal))!;
    backend.disk.full = true;
    const err = await backend.put('logical/x', new Uint8Array([1])).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'STORAGE_IO',
      op: 'write',
      cause: { code: 'LEVEL_IO_ERROR', message: expect.stringContaining('No space left on device') },
    });
    await a.renew();
    expect(grant.lost.aborted).toBe(false);
    await a.release();
    await expect(
      backend.lock(StorageKeys.lock, 'B', { holder: 'b', ttlMs: 60_000 }).acquire(new AbortController().signal),
    ).rejects.toMatchObject({ code: 'STORAGE_IO' });
    expect(backend.writeFailure()).toMatchObject({ code: 'STORAGE_IO', failures: expect.any(Number) });
    await backend.close();
  });
});

describe('a full disk on level', () => {
  it('takes no write after a failed one until the database is reopened, reopens once there is room, and keeps reads going', async () => {
    const path = await tempDir();
    const backend = await FullDiskLevelBackend.create({ path });
    await backend.put('logical/a', new Uint8Array([1]));
    backend.disk.full = true;
    await expect(backend.put('logical/b', new Uint8Array([2]))).rejects.toMatchObject({ code: 'STORAGE_IO' });
    // LevelDB's log may now end in a partial record: writing after it would be lost at the next open.
    await expect(backend.put('logical/c', new Uint8Array([3]))).rejects.toMatchObject({
      code: 'STORAGE_IO',
      message: expect.stringMatching(
        /No space left on device \(writes resume once the disk has room to reopen the database: \d+ bytes needed, 0 free\)$/,
      ),
    });
    expect(await backend.get('logical/a')).toEqual(new Uint8Array([1]));
    expect(await backend.list('logical/')).toEqual(['a']);
    const logsBefore = (await readdir(path)).filter((f) => f.endsWith('.log'));

    backend.disk.full = false;
    await backend.put('logical/d', new Uint8Array([4]));
    const logsAfter = (await readdir(path)).filter((f) => f.endsWith('.log'));
    expect(logsAfter).not.toEqual(logsBefore); // reopened: a clean log
    expect(backend.writeFailure()).toBeUndefined();
    await backend.close();
    const again = await LevelBackend.open({ path });
    expect(await again.list('logical/')).toEqual(['a', 'd']);
    expect(again.warnings).toEqual([]);
    await again.close();
  });
});

/** A small tmpfs to fill for real, when this process may mount one (root on Linux); undefined otherwise. */
function smallFilesystem(): string | undefined {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'vaultlab-tmpfs-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', dir], { stdio: 'ignore' });
    return dir;
  } catch {
    rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
}

const realFs = smallFilesystem();
afterAll(() => {
  if (!realFs) return;
  // Lazy: a lab a failed test left open must not keep the mount (or fail the file here).
  execFileSync('umount', ['-l', realFs], { stdio: 'ignore' });
  rmSync(realFs, { recursive: true, force: true });
});

/** Fills the filesystem at `dir` with one file until the OS says it is full; returns the file. */
function fill(dir: string): string {
  const file = join(dir, 'filler');
  try {
    writeFileSync(file, Buffer.alloc(64 * 1024 * 1024));
  } catch (err) {
    expect((err as NodeJS.ErrnoException).code).toBe('ENOSPC');
  }
  return file;
}

describe.skipIf(!realFs)('a really full filesystem (a tmpfs: needs root)', () => {
  it('the lab keeps its active and every node answers reads; writes fail naming ENOSPC; writes acknowledged after it frees survive a restart', async () => {
    const dir = join(realFs!, 'lab');
    const cluster = await Cluster.start({ nodes: 3, storage: 'level', dir, basePort: 0 });
    const init = await cluster.init(5, 3);
    await cluster.unsealAll(init.keys.slice(0, 3));
    await expect.poll(() => cluster.active(), { timeout: 10_000 }).toBeDefined();
    const active = cluster.active()!;
    const term = active.node.term;
    const http = async (node: string, method: string, path: string, body?: unknown) => {
      const res = await fetch(`${cluster.get(node).apiAddr}/v1/${path}`, {
        method,
        headers: { 'x-vault-token': init.rootToken },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json().catch(() => undefined)) as { errors?: string[] } | undefined };
    };
    expect((await http(active.name, 'POST', 'secret/data/k', { data: { v: 'before' } })).status).toBe(200);
    let renewals = 0;
    (cluster.backend as LevelBackend).onEvent((e) => e.type === 'lock' && e.event === 'renewed' && renewals++);

    const filler = fill(realFs!);
    // Enough writes to meet the full disk, whatever LevelDB still had room for.
    let refused: { status: number; body?: { errors?: string[] } } | undefined;
    for (let i = 0; i < 200 && !refused; i++) {
      const res = await http(active.name, 'POST', `secret/data/fill${i}`, { data: { v: 'x'.repeat(2000) } });
      if (res.status !== 200) refused = res;
    }
    expect(refused?.status).toBe(500);
    expect(refused?.body?.errors?.[0]).toMatch(/^storage write failed: IO error: .*\.log: No space left on device/);
    const seen = renewals;
    await expect.poll(() => renewals, { timeout: 10_000 }).toBeGreaterThanOrEqual(seen + 4);
    expect(cluster.active()?.name).toBe(active.name);
    expect(active.node.term).toBe(term);
    for (const n of cluster.nodes) expect((await http(n.name, 'GET', 'secret/data/k')).status, n.name).toBe(200);

    rmSync(filler);
    for (let i = 0; i < 5; i++)
      expect((await http(active.name, 'POST', `secret/data/after${i}`, { data: { v: `a${i}` } })).status).toBe(200);
    await cluster.close();

    const again = await Cluster.start({ nodes: 1, storage: 'level', dir, basePort: 0, listen: false });
    expect(again.storageStatus.warnings).toEqual([]);
    await again.unsealAll(init.keys.slice(0, 3));
    await expect.poll(() => again.active(), { timeout: 10_000 }).toBeDefined();
    for (let i = 0; i < 5; i++) {
      const r = await again.nodes[0].node.handle({ operation: 'read', path: `secret/data/after${i}`, data: {}, token: init.rootToken });
      expect((r.response?.data as { data: { v: string } }).data.v).toBe(`a${i}`);
    }
    again.nodes[0].node.close();
    await again.backend.close();
  });
});

describe('storage errors name their cause', () => {
  async function levelDir(): Promise<string> {
    const path = await tempDir();
    const be = await LevelBackend.open({ path });
    await be.put('core/x', new Uint8Array([1]));
    await be.close();
    return path;
  }

  /** Each case damages a closed level directory and returns what undoes the damage's holder, if any. */
  const damages: Array<[string, (path: string) => Promise<(() => Promise<void>) | void>, string, RegExp]> = [
    [
      'a held LOCK',
      async (path) => {
        const holder = await LevelBackend.open({ path });
        return () => holder.close();
      },
      'STORAGE_LOCKED',
      /LOCK is held by another open database .*already held by process/,
    ],
    [
      'a garbage CURRENT',
      (path) => writeFile(join(path, 'CURRENT'), 'garbage\u0000'),
      'STORAGE_CORRUPT',
      /corrupt: Corruption: CURRENT file does not end with newline .*CURRENT does not name a descriptor/,
    ],
    [
      'a deleted MANIFEST',
      async (path) => {
        for (const f of await readdir(path)) if (f.startsWith('MANIFEST-')) await rm(join(path, f));
      },
      'STORAGE_OPEN_FAILED',
      /MANIFEST-\d+: No such file or directory/,
    ],
  ];

  it.each(damages)('%s: says which file and why, not "Database failed to open"', async (_what, damage, code, text) => {
    const path = await levelDir();
    const undo = await damage(path);
    const err = (await LevelBackend.open({ path }).then(
      () => new Error('opened'),
      (e: unknown) => e,
    )) as Error;
    await undo?.();
    expect(err).toMatchObject({ code, cause: { code: 'LEVEL_DATABASE_NOT_OPEN' } });
    expect(err.message).toContain(`cannot open the level storage in ${path}`);
    expect(err.message).toMatch(text);
  });

  it('a corrupt core/master with the right shares names core/master and both possibilities; a malformed one is storage damage', async () => {
    const fx = await makeNode();
    const init = await fx.node.init({ secretShares: 3, secretThreshold: 2 });
    const stored = (await fx.backend.get(StorageKeys.rootKey))!;
    const unseal = async () => {
      let last;
      for (const key of init.keys.slice(0, 2)) last = await call(fx.app, 'PUT', '/v1/sys/unseal', { body: { key } });
      return last!;
    };
    const flipped = stored.slice();
    flipped[flipped.length - 1] ^= 1;
    await fx.backend.put(StorageKeys.rootKey, flipped);
    const res = await unseal();
    expect(res.status).toBe(400);
    expect(res.body.errors[0]).toMatch(
      /^Unseal failed, invalid key: the unseal key does not decrypt the root key stored at core\/master .*either the key shares are not this Vault's, or core\/master is corrupt or was written by another barrier$/,
    );

    await fx.backend.put(StorageKeys.rootKey, stored.subarray(0, 40));
    const short = await unseal();
    expect(short.status).toBe(500);
    expect(short.body.errors[0]).toMatch(
      /^the root key at core\/master is malformed \(40 bytes, version 1, term 0; a stored root key is 65 bytes.*restore core\/master from a backup/,
    );

    await fx.backend.put(StorageKeys.rootKey, stored);
    const ring = (await fx.backend.get(StorageKeys.keyring))!.slice();
    ring[ring.length - 1] ^= 1;
    await fx.backend.put(StorageKeys.keyring, ring);
    const badRing = await unseal();
    expect(badRing.status).toBe(500);
    expect(badRing.body.errors[0]).toMatch(
      /^the keyring at core\/keyring does not decrypt under the root key \(which the unseal key did open\)/,
    );
    expect((await call(fx.app, 'GET', '/v1/sys/seal-status')).body).toMatchObject({ sealed: true, progress: 0 });
    await fx.close();
  });

  it('a corrupt core/mounts is named in the timeline and status, and the retries back off', async () => {
    const lab = await virtualLab(async (backend) => {
      const mounts = (await backend.get(StorageKeys.mounts))!;
      mounts[mounts.length - 1] ^= 1;
      await backend.put(StorageKeys.mounts, mounts);
    });
    await lab.clock.advance(5_000);
    expect(lab.cluster.active()).toBeUndefined();
    // Three nodes, five seconds: before, a setup every 200 ms each (about 75 terms).
    expect(lab.acquired.length).toBeLessThanOrEqual(3 * 8);
    const why =
      /setup failed: cannot load the mount table at core\/mounts: failed to decrypt core\/mounts: cipher: message authentication failed \(the stored value is corrupt/;
    expect(whyNoActive(lab.cluster)).toMatch(new RegExp(`^node1, node2, node3: ${why.source}`));
    const lines = troubleLines(labTrouble(lab.cluster));
    expect(lines).toHaveLength(3);
    for (const l of lines) expect(l).toMatch(new RegExp(`^node\\d is not becoming active: term \\d+: ${why.source}`));
    await lab.close();
  });

  it('a corrupt core/mounts is named in the start-up output, not "no node became active in time"', async () => {
    const home = await tempDir();
    const first = await startLab({ home, basePort: 0, nodes: 2 });
    await first.close();
    const be = await LevelBackend.open({ path: join(home, 'data') });
    const mounts = (await be.get(StorageKeys.mounts))!;
    mounts[mounts.length - 1] ^= 1;
    await be.put(StorageKeys.mounts, mounts);
    await be.close();

    const err = await startLab({ home, basePort: 0, nodes: 2 }).catch((e: Error) => e);
    expect((err as Error).message).toMatch(
      /^no node became active within \d+ ms: node1, node2: setup failed: cannot load the mount table at core\/mounts: failed to decrypt core\/mounts: cipher: message authentication failed \(the stored value is corrupt/,
    );
  });

  it('a "//" in a path is a 400 in the client\'s path, without the storage key or mount id, and changes nothing', async () => {
    const fx = await makeNode();
    const init = await initAndUnseal(fx.app);
    await call(fx.app, 'POST', '/v1/sys/mounts/kv1', { token: init.root_token, body: { type: 'kv' } });
    await call(fx.app, 'POST', '/v1/sys/mounts/secret', { token: init.root_token, body: { type: 'kv', options: { version: '2' } } });
    const before = await storageDigest(fx.backend);
    for (const [method, url] of [
      ['PUT', '/v1/secret/data/a//b'],
      ['GET', '/v1/secret/data/a//b'],
      ['GET', '/v1/secret/metadata/a//b'],
      ['DELETE', '/v1/secret/data/a//b'],
      ['PUT', '/v1/kv1/a//b'],
      ['PUT', '/v1/cubbyhole/a//b'],
    ] as const) {
      const res = await call(fx.app, method, url, {
        token: init.root_token,
        body: method === 'PUT' ? { data: { x: 1 }, x: 1 } : undefined,
      });
      expect(res.status, url).toBe(400);
      expect(res.body.errors, url).toEqual([`invalid path ${JSON.stringify(url.slice(4))}: empty path segment`]);
      expect(res.text).not.toMatch(/logical\/|[0-9a-f]{8}-[0-9a-f]{4}-/);
    }
    expect(await storageDigest(fx.backend)).toBe(before);
    await fx.close();
    await removeDir(fx.dir);
  });
});

describe('durability: sync and torn logs', () => {
  it('warns at start-up when the last log was torn, naming the file and the bytes LevelDB drops', async () => {
    const path = await tempDir();
    const be = await LevelBackend.open({ path });
    for (let i = 0; i < 20; i++) await be.put(`logical/k${i}`, new Uint8Array(100).fill(i));
    await be.close();
    const log = (await readdir(path)).find((f) => /^\d+\.log$/.test(f))!;
    const size = (await stat(join(path, log))).size;
    await truncate(join(path, log), size - 30); // the last record loses its tail, as a cut-off write would

    const again = await LevelBackend.open({ path });
    // Each record: a 7-byte header and a 126-byte batch (12-byte header, a put tag, 'logical/k19' and 100 bytes, two lengths).
    const record = 7 + 126;
    expect(again.warnings).toEqual([
      `level storage: ${join(path, log)} ends with a torn record: the last ${record - 30} of its ${size - 30} bytes (from offset ${size - record}) hold no complete write and LevelDB drops them on recovery` +
        ' (a write cut off when the process or the machine stopped; without sync, possibly writes that were already acknowledged)',
    ]);
    expect(await again.get('logical/k19')).toBeUndefined();
    expect(await again.get('logical/k18')).toEqual(new Uint8Array(100).fill(18));
    await again.close();
    // Recovery folded the log away: the next start has nothing to warn about.
    const third = await LevelBackend.open({ path });
    expect(third.warnings).toEqual([]);
    await third.close();
  });

  it('the lab shows the torn-log warning in its timeline and status, and names its storage with sync on or off', async () => {
    const dir = await tempDir();
    const be = await LevelBackend.open({ path: dir });
    await be.put('logical/k', new Uint8Array(50));
    await be.close();
    const log = (await readdir(dir)).find((f) => /^\d+\.log$/.test(f))!;
    await truncate(join(dir, log), (await stat(join(dir, log))).size - 1);
    const cluster = await Cluster.start({ nodes: 1, storage: 'level', dir, sync: true, basePort: 0, listen: false });
    expect(cluster.storageStatus.label).toBe('level (sync on)');
    expect(cluster.storageStatus.warnings).toHaveLength(1);
    expect(troubleLines(labTrouble(cluster))).toEqual([`Storage warning: ${cluster.storageStatus.warnings[0]}`]);
    cluster.nodes[0].node.close();
    await cluster.backend.close();
  });

  it.each([
    ['storage "level" { path = "d"\n sync = "true" }', { type: 'level', path: 'd', sync: true }],
    ['storage "level" { path = "d"\n sync = false }', { type: 'level', path: 'd', sync: false }],
    ['storage "raft" { path = "d"\n sync = 1 }', { type: 'level', path: 'd', sync: true }],
    ['storage "level" { path = "d" }', { type: 'level', path: 'd', sync: undefined }],
  ])('server -config reads %s', (storage, expected) => {
    expect(parseServerConfig(`${storage}\nlistener "tcp" {\n address = "127.0.0.1:8200"\n tls_disable = 1\n}`).storage).toEqual(expected);
  });

  it.each(['storage "level" { sync = "sometimes" }', 'storage "inmem" { sync = "true" }'])('server -config refuses %s', (storage) => {
    expect(() => parseServerConfig(`${storage}\nlistener "tcp" {\n tls_disable = 1\n}`)).toThrow(UsageError);
  });
});
