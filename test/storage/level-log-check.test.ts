/**
 * The torn-log check reads LevelDB's write-ahead log as LevelDB's own reader does. Checked
 * against real logs: a whole one has nothing to drop; cut anywhere (in a header, a payload,
 * between the fragments of a record spanning blocks) the tail is torn from the end of the
 * last complete record; and a flipped byte mid-file counts exactly the bytes LevelDB's LOG
 * says it dropped on recovery.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Level } from 'level';
import { afterAll, describe, expect, it } from 'vitest';
import { checkLevelLogs, crc32c, scanLog } from '../../src/storage/level-log-check.ts';

const dirs: string[] = [];
afterAll(async () => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

/** Writes values of the given sizes, one put each, and returns the directory and the log's bytes. */
async function logOf(sizes: number[]): Promise<{ dir: string; file: string; bytes: Buffer }> {
  const dir = await mkdtemp(join(tmpdir(), 'vaultlab-log-'));
  dirs.push(dir);
  const db = new Level<string, Uint8Array>(dir, { valueEncoding: 'view' });
  await db.open();
  for (const [i, n] of sizes.entries()) await db.put(`k${String(i).padStart(4, '0')}`, new Uint8Array(n).fill(i & 0xff));
  await db.close();
  const file = join(
    dir,
    (await readdir(dir)).find((f) => /^\d+\.log$/.test(f))!,
  );
  return { dir, file, bytes: await readFile(file) };
}

describe('scanLog', () => {
  it('computes CRC-32C as LevelDB does (the RFC 3720 check value)', () => {
    expect(crc32c(Buffer.from('123456789'))).toBe(0xe3069283);
  });

  it('finds nothing to drop in a whole log, records spanning blocks included', async () => {
    const { bytes } = await logOf([100, 70_000, 10, 40_000, 5]);
    expect(bytes.length).toBeGreaterThan(3 * 32 * 1024);
    expect(scanLog(bytes)).toEqual({ size: bytes.length, tornBytes: 0, tornAt: bytes.length, corruptBytes: 0 });
  });

  it('reports the tail after the last complete record wherever the file is cut', async () => {
    // Records: 3 small ones, then one of 70,000 bytes split FIRST/MIDDLE/LAST over three blocks.
    const { bytes } = await logOf([10, 10, 10, 70_000]);
    // Each small record: a 7-byte header, then a batch of a 12-byte header, a put tag, 'k000N' and 10 bytes with their lengths.
    const smallEnd = 3 * (7 + 12 + 1 + 1 + 5 + 1 + 10);
    expect(scanLog(bytes.subarray(0, smallEnd)).tornBytes).toBe(0);
    for (const cut of [smallEnd + 3, smallEnd + 7 + 100, 32 * 1024 + 50, 2 * 32 * 1024 + 10, bytes.length - 1]) {
      const scan = scanLog(bytes.subarray(0, cut));
      expect(scan, `cut at ${cut}`).toEqual({ size: cut, tornBytes: cut - smallEnd, tornAt: smallEnd, corruptBytes: 0 });
    }
  });

  it('counts a flipped byte mid-file as the bytes LevelDB drops, as its own LOG reports them', async () => {
    const { dir, file, bytes } = await logOf(Array.from({ length: 600 }, (_, i) => 100 + i));
    bytes[40_000] ^= 0xff;
    await writeFile(file, bytes);
    const [damage] = await checkLevelLogs(dir);
    expect(damage).toMatchObject({ file, tornBytes: 0 });
    const db = new Level(dir);
    await db.open();
    await db.close();
    const dropped = [...(await readFile(join(dir, 'LOG'), 'utf8')).matchAll(/dropping (\d+) bytes/g)].reduce((n, m) => n + Number(m[1]), 0);
    expect(dropped).toBeGreaterThan(0);
    expect(damage.corruptBytes).toBe(dropped);
  });

  it('has nothing to say about a directory without logs', async () => {
    expect(await checkLevelLogs(join(tmpdir(), 'vaultlab-no-such-dir'))).toEqual([]);
  });
});
