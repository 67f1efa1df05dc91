/**
 * A look at LevelDB's write-ahead logs before the database opens them. On recovery LevelDB
 * silently drops a torn tail (a record whose header or payload runs past the end of the file,
 * or a record split over blocks whose last fragment never landed: "the writer died") and
 * only logs, to its own LOG file, records it drops for a bad checksum. Either way writes are
 * gone and nobody is told. Recovery then folds the log into a table and deletes it, so the
 * evidence exists only before `open()`: this module reads each `NNNNNN.log` the way LevelDB's
 * log::Reader does (32 KiB blocks; 7-byte headers of masked CRC32C, length, type; fragments
 * FULL, FIRST, MIDDLE, LAST) and reports the bytes recovery will drop, so the backend can warn.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

const BLOCK = 32 * 1024;
const HEADER = 7;
const FULL = 1;
const FIRST = 2;
const MIDDLE = 3;
const LAST = 4;
const LOG_FILE = /^\d+\.log$/;

/** What a scan of one log found: bytes recovery will drop, and why. */
export interface LogDamage {
  /** The log file's path. */
  file: string;
  /** The file's size in bytes. */
  size: number;
  /** Bytes at the end of the file that hold no complete record (a torn last write); 0 when the tail is whole. */
  tornBytes: number;
  /** Where the torn tail starts (the end of the last complete record). */
  tornAt: number;
  /** Bytes elsewhere in the file that fail their checksum or framing: LevelDB skips them (the count its LOG file reports). */
  corruptBytes: number;
}

/** The scan of one log's bytes (no file name yet). */
export type LogScan = Omit<LogDamage, 'file'>;

/** Scans a LevelDB log's bytes the way its reader will, counting what recovery drops. */
export function scanLog(bytes: Uint8Array): LogScan {
  const size = bytes.length;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 0;
  /** The end of the last complete logical record (or block padding after one). */
  let whole = 0;
  /** Where the logical record being assembled from fragments started, if one is, and its payload so far. */
  let pending: number | undefined;
  let pendingPayload = 0;
  let corruptBytes = 0;
  while (offset < size) {
    const blockLeft = BLOCK - (offset % BLOCK);
    if (blockLeft < HEADER) {
      // The block's zero trailer: padding, not data.
      offset = Math.min(size, offset + blockLeft);
      if (pending === undefined) whole = offset;
      continue;
    }
    if (offset + HEADER > size) break; // a header cut short: torn
    const length = view.getUint16(offset + 4, true);
    const type = bytes[offset + 6];
    const end = offset + HEADER + length;
    const blockEnd = offset + blockLeft;
    // Past the end of the file inside the last, partial block: the writer died mid-record (LevelDB: silent EOF).
    if (end > size && blockEnd > size) break;
    if (end > blockEnd || unmask(view.getUint32(offset, true)) !== crc32c(bytes, offset + 6, end)) {
      // LevelDB drops the rest of the block (a corrupt length could point anywhere) and any record pending.
      const dropTo = Math.min(size, blockEnd);
      if (dropTo === size) break; // the damage runs to the end of the file: a torn tail, not a hole
      corruptBytes += dropTo - offset + pendingPayload;
      pending = undefined;
      pendingPayload = 0;
      offset = whole = dropTo;
      continue;
    }
    if (type === FULL || type === FIRST) {
      corruptBytes += pendingPayload; // a record that never got its LAST fragment
      pending = type === FIRST ? offset : undefined;
      pendingPayload = type === FIRST ? length : 0;
    } else if ((type === MIDDLE || type === LAST) && pending !== undefined) {
      pendingPayload += length;
      if (type === LAST) [pending, pendingPayload] = [undefined, 0];
    } else {
      corruptBytes += length; // a fragment without its start, or an unknown type: LevelDB reports and skips it
    }
    offset = end;
    if (pending === undefined) whole = offset;
  }
  return { size, tornBytes: size - whole, tornAt: whole, corruptBytes };
}

/** Every `NNNNNN.log` in a LevelDB directory that recovery will not read back whole (none for a fresh or missing directory). */
export async function checkLevelLogs(dir: string): Promise<LogDamage[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => LOG_FILE.test(n)).sort();
  } catch {
    return []; // no directory yet: nothing to recover
  }
  const damage: LogDamage[] = [];
  for (const name of names) {
    const file = join(dir, name);
    const bytes = await readFile(file).catch(() => undefined);
    if (!bytes) continue; // gone since the listing: nothing left to recover from it
    const scan = scanLog(bytes);
    if (scan.tornBytes > 0 || scan.corruptBytes > 0) damage.push({ file, ...scan });
  }
  return damage;
}

/** The start-up warning for a damaged log. */
export function describeDamage(d: LogDamage): string {
  const parts: string[] = [];
  if (d.tornBytes > 0) {
    parts.push(
      `ends with a torn record: the last ${d.tornBytes} of its ${d.size} bytes (from offset ${d.tornAt}) hold no complete write and LevelDB drops them on recovery` +
        ' (a write cut off when the process or the machine stopped; without sync, possibly writes that were already acknowledged)',
    );
  }
  if (d.corruptBytes > 0) parts.push(`has ${d.corruptBytes} bytes that fail their checksum or framing, which LevelDB skips`);
  return `level storage: ${d.file} ${parts.join('; it also ')}`;
}

/** LevelDB stores CRCs masked (rotated and offset), because a CRC of data that holds CRCs is weak. */
function unmask(masked: number): number {
  const rot = (masked - 0xa282ead8) >>> 0;
  return ((rot >>> 17) | (rot << 15)) >>> 0;
}

const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32C (Castagnoli), the checksum of LevelDB's log records; Node's zlib only has CRC-32. */
export function crc32c(bytes: Uint8Array, from = 0, to = bytes.length): number {
  let c = 0xffffffff;
  for (let i = from; i < to; i++) c = TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
