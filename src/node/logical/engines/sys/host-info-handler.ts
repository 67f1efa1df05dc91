/**
 * sys/host-info (root-protected, as in Vault): the host the node runs on, in the field names
 * of Vault's hostutil.HostInfo (gopsutil's structs). The lab reads what Node's `os` and
 * `fs.statfs` tell; fields gopsutil reads from elsewhere (CPU flags, microcode, inode use per
 * mount) are left empty rather than made up. In-process lab nodes share one host.
 */
import { readdirSync, statfsSync } from 'node:fs';
import os from 'node:os';
import type { LogicalResponse } from '../../request.ts';
import type { PathEntry } from '../path-table.ts';

/** statfs f_type magic numbers of the common Linux file systems, by gopsutil's names. */
const FS_TYPES: Record<number, string> = {
  0xef53: 'ext4',
  0x58465342: 'xfs',
  0x9123683e: 'btrfs',
  0x01021994: 'tmpfs',
  0x794c7630: 'overlayfs',
  0x6969: 'nfs',
  0x2fc12fc1: 'zfs',
};

function cpus(): Record<string, unknown>[] {
  return os.cpus().map((c, i) => ({
    cpu: i,
    vendorId: '',
    family: '',
    model: '',
    stepping: 0,
    physicalId: '',
    coreId: String(i),
    cores: 1,
    modelName: c.model,
    mhz: c.speed,
    cacheSize: 0,
    flags: [],
    microcode: '',
  }));
}

/** gopsutil's cpu.Times(false): one total, in seconds (Node counts milliseconds per CPU). */
function cpuTimes(): Record<string, unknown>[] {
  const t = { user: 0, nice: 0, sys: 0, idle: 0, irq: 0 };
  for (const c of os.cpus()) for (const k of Object.keys(t) as (keyof typeof t)[]) t[k] += c.times[k];
  const s = (ms: number) => ms / 1000;
  return [
    {
      cpu: 'cpu-total',
      user: s(t.user),
      system: s(t.sys),
      idle: s(t.idle),
      nice: s(t.nice),
      iowait: 0,
      irq: s(t.irq),
      softirq: 0,
      steal: 0,
    },
  ];
}

function disk(): Record<string, unknown>[] {
  const f = statfsSync('/');
  const total = f.blocks * f.bsize;
  const free = f.bavail * f.bsize;
  const used = total - f.bfree * f.bsize;
  const inodesUsed = f.files - f.ffree;
  return [
    {
      path: '/',
      fstype: FS_TYPES[f.type] ?? '',
      total,
      free,
      used,
      usedPercent: total ? (used / (used + free)) * 100 : 0,
      inodesTotal: f.files,
      inodesUsed,
      inodesFree: f.ffree,
      inodesUsedPercent: f.files ? (inodesUsed / f.files) * 100 : 0,
    },
  ];
}

/** Processes on the host: /proc's numeric entries where there is a /proc, else 0. */
function procs(): number {
  try {
    return readdirSync('/proc').filter((d) => /^\d+$/.test(d)).length;
  } catch {
    return 0;
  }
}

function host(now: number): Record<string, unknown> {
  const uptime = Math.floor(os.uptime());
  return {
    hostname: os.hostname(),
    uptime,
    bootTime: Math.floor(now / 1000) - uptime,
    procs: procs(),
    os: os.platform(),
    platform: '',
    platformFamily: '',
    platformVersion: '',
    kernelVersion: os.release(),
    kernelArch: os.machine(),
    virtualizationSystem: '',
    virtualizationRole: '',
    hostid: '',
  };
}

function memory(): Record<string, unknown> {
  const total = os.totalmem();
  const free = os.freemem();
  return { total, available: free, used: total - free, usedPercent: ((total - free) / total) * 100, free };
}

/** The host's facts, collected now (real time: it describes the machine, not the lab's clock). */
export function hostInfo(): LogicalResponse {
  const now = Date.now();
  return {
    data: { cpu: cpus(), cpu_times: cpuTimes(), disk: disk(), host: host(now), memory: memory(), timestamp: new Date(now).toISOString() },
  };
}

/** The host-info path. */
export function hostInfoPaths(): PathEntry[] {
  return [{ pattern: /^host-info$/, operations: { read: async () => hostInfo() } }];
}
