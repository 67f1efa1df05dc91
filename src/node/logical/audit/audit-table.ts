/**
 * The audit device table and the devices it opens (Vault's audit table and audit broker).
 * The table is stored through the barrier at core/audit, so a restarted node and the next
 * active after a failover load the same devices; each device's HMAC salt is random and
 * stored through the barrier at audit/<uuid>/salt, so every active hashes a value alike.
 * The broker's rule: an entry counts as written when at least one device wrote it.
 */
import { createHmac } from 'node:crypto';
import type { Clock } from '../../../clock/index.ts';
import type { Barrier } from '../../../crypto/index.ts';
import { uuid } from '../../../crypto/index.ts';
import { StorageKeys } from '../../../storage/index.ts';
import { BadRequestError } from '../../errors.ts';
import type { LogicalResponse } from '../request.ts';
import { auditTime, requestEntry, responseEntry, testProbeEntry, type AuditInput, type EntryFormat } from './audit-entry.ts';
import { AuditOptionError, parseFileOptions, type DeviceOptions } from './audit-options.ts';
import { createSink, type AuditSink } from './audit-sink.ts';

/** One enabled device as the table stores it. */
export interface AuditEntry {
  /** With a trailing '/' ('file/'). */
  path: string;
  type: string;
  description: string;
  options: Record<string, string>;
  local: boolean;
  uuid: string;
  accessor: string;
}

/** What `sys/audit/:path` asks for. */
export interface AuditEnable {
  path: string;
  type: string;
  description: string;
  options: Record<string, string>;
  local: boolean;
}

interface Device {
  entry: AuditEntry;
  options: DeviceOptions;
  sink: AuditSink;
  format: EntryFormat;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

/** The audit devices of the active node. */
export class AuditTable {
  private entries: AuditEntry[] = [];
  private devices: Device[] = [];
  /** Enables and disables one at a time (Vault's auditLock): two enables of one path cannot both pass the check. */
  private changes: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly barrier: Barrier,
    private readonly clock: Clock,
  ) {}

  /** True while a device is enabled: the request path's one check before it builds any entry. */
  get active(): boolean {
    return this.devices.length > 0;
  }

  /** The enabled devices, by path. */
  all(): AuditEntry[] {
    return [...this.entries].sort((a, b) => a.path.localeCompare(b.path));
  }

  /** Reads the table and opens its devices (on becoming active). */
  async load(): Promise<void> {
    const raw = await this.barrier.get(StorageKeys.audit);
    const entries = raw ? (JSON.parse(dec.decode(raw)) as AuditEntry[]) : [];
    const devices: Device[] = [];
    for (const entry of entries) {
      const options = parseFileOptions(entry.options);
      devices.push(await this.open(entry, options, createSink(options.filePath, options.mode)));
    }
    this.entries = entries;
    this.devices = devices;
  }

  /** Forgets the table and closes the devices (seal, step-down): a standby writes no entry. */
  unload(): void {
    this.entries = [];
    this.devices = [];
  }

  /** Enables a device after every check Vault makes, in its order; a refused enable changes nothing. */
  enable(req: AuditEnable): Promise<void> {
    return this.serially(async () => {
      const path = req.path.endsWith('/') ? req.path : `${req.path}/`;
      if (path === '/') throw new BadRequestError('backend path must be specified');
      if (this.entries.some((e) => e.path.startsWith(path) || path.startsWith(e.path))) throw new BadRequestError('path already in use');
      if (req.type !== 'file') throw new BadRequestError(`unknown backend type: ${JSON.stringify(req.type)}`);
      const options = checkedOptions(req.options);
      const sink = createSink(options.filePath, options.mode);
      if (!options.skipTest) {
        try {
          sink.write(`${options.prefix}${testProbeEntry(auditTime(this.clock.now()), uuid())}\n`);
        } catch (err) {
          throw new BadRequestError(`audit backend failed test message: ${(err as Error).message}`);
        }
      }
      const entry: AuditEntry = { ...req, path, uuid: uuid(), accessor: `audit_${req.type}_${uuid().slice(0, 8)}` };
      const device = await this.open(entry, options, sink);
      await this.persist([...this.entries, entry]);
      this.entries = [...this.entries, entry];
      this.devices = [...this.devices, device];
    });
  }

  /** Disables the device at `path`; nothing there is not an error (Vault answers 204 either way). */
  disable(path: string): Promise<void> {
    return this.serially(async () => {
      const p = path.endsWith('/') ? path : `${path}/`;
      if (!this.entries.some((e) => e.path === p)) return;
      await this.persist(this.entries.filter((e) => e.path !== p));
      this.entries = this.entries.filter((e) => e.path !== p);
      this.devices = this.devices.filter((d) => d.entry.path !== p);
    });
  }

  /** `sys/audit-hash`: the HMAC the device at `path` writes for `input`. */
  hash(path: string, input: string): string {
    const device = this.devices.find((d) => d.entry.path === path);
    if (!device) throw new BadRequestError(`unknown audit backend ${JSON.stringify(path)}`);
    return device.format.hmac(input);
  }

  /** Writes the request entry to every device; false when none could (the request must then not be served). */
  logRequest(input: AuditInput, error?: string): boolean {
    const time = auditTime(this.clock.now());
    return this.writeAll((d) => requestEntry(time, input, d.format, error));
  }

  /** Writes the response entry to every device; false when none could. */
  logResponse(input: AuditInput, response: LogicalResponse | undefined, error?: string): boolean {
    const time = auditTime(this.clock.now());
    return this.writeAll((d) => responseEntry(time, input, d.format, response, error));
  }

  /** True when one device wrote the line, or when none is left (a device disabled by this very request: Vault's broker is empty then). */
  private writeAll(line: (d: Device) => string): boolean {
    let written = this.devices.length === 0;
    for (const d of this.devices) {
      try {
        d.sink.write(`${d.options.prefix}${line(d)}\n`);
        written = true;
      } catch {
        // One device failing is Vault's logged warning, not the request's failure: one written entry is enough.
      }
    }
    return written;
  }

  /** A device ready to write: its salt read, or made and stored the first time. */
  private async open(entry: AuditEntry, options: DeviceOptions, sink: AuditSink): Promise<Device> {
    const key = `${StorageKeys.auditPrefix}${entry.uuid}/salt`;
    const raw = await this.barrier.get(key);
    let salt = raw ? dec.decode(raw) : undefined;
    if (!salt) {
      salt = uuid();
      await this.barrier.put(key, enc.encode(salt));
    }
    const saltKey = salt;
    const hmac = (v: string): string => `hmac-sha256:${createHmac('sha256', saltKey).update(v).digest('hex')}`;
    return { entry, options, sink, format: { hmac, raw: options.logRaw, hmacAccessor: options.hmacAccessor } };
  }

  /** Stores the table; a refused write (fencing) reaches the caller as it is, so the node steps down. */
  private async persist(entries: AuditEntry[]): Promise<void> {
    await this.barrier.put(StorageKeys.audit, enc.encode(JSON.stringify(entries)));
  }

  private serially<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.changes.then(fn, fn);
    this.changes = run.catch(() => undefined);
    return run;
  }
}

function checkedOptions(options: Record<string, string>): DeviceOptions {
  try {
    return parseFileOptions(options);
  } catch (err) {
    if (err instanceof AuditOptionError) throw new BadRequestError(err.message);
    throw err;
  }
}
