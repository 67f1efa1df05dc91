/**
 * A link's settings and faults, and the one parser of the fault words the CLI and the
 * control API take (`latency=50ms`, `jitter=5ms`, `bandwidth=1mbit`, `partition`, `reset`).
 * Every figure is one-way: a link's latency delays each byte once, in the direction it
 * travels, so a request and its answer pay it twice.
 */
import { parseGoDuration } from './go-duration.ts';

/** What a topology gives a link: its one-way latency and the spread around it. */
export interface LinkSettings {
  /** One-way delay in ms. */
  latencyMs: number;
  /** Each chunk's delay is latency ± up to this many ms (uniform), never below 0. */
  jitterMs: number;
}

/** Faults laid on a link; absent fields leave the link as its settings make it. */
export interface LinkFaults {
  /** A blackhole: nothing passes either way; connections stall rather than fail, as dropped packets do. */
  partition?: boolean;
  /** Every open connection is reset (RST) and new ones are reset on arrival while set. */
  reset?: boolean;
  /** One-way ms added to the link's latency. */
  addedLatencyMs?: number;
  /** ms of jitter added to the link's jitter. */
  addedJitterMs?: number;
  /** A cap in bytes per second. */
  bandwidthBytesPerSec?: number;
}

/** A link as traffic meets it: settings with faults applied. */
export interface EffectiveLink {
  latencyMs: number;
  jitterMs: number;
  /** Bytes per second; Infinity when uncapped. */
  bandwidthBytesPerSec: number;
  partition: boolean;
  reset: boolean;
}

/** A link with no delay: what loopback gives today. */
export const NO_DELAY: LinkSettings = { latencyMs: 0, jitterMs: 0 };

/** The link traffic meets: the settings' latency and jitter plus the faults'. */
export function effectiveLink(settings: LinkSettings, faults: LinkFaults = {}): EffectiveLink {
  return {
    latencyMs: settings.latencyMs + (faults.addedLatencyMs ?? 0),
    jitterMs: settings.jitterMs + (faults.addedJitterMs ?? 0),
    bandwidthBytesPerSec: faults.bandwidthBytesPerSec ?? Infinity,
    partition: faults.partition === true,
    reset: faults.reset === true,
  };
}

/** A fault word that is not one; the message names the word and what is allowed. */
export class LinkFaultError extends Error {
  readonly code = 'BAD_LINK_FAULT';
}

const ALLOWED = 'latency=<duration>, jitter=<duration>, bandwidth=<rate>, partition or reset';

/** Bits per second for each unit of a rate written in bits (decimal prefixes, as tc and iperf write them). */
const BIT_UNITS: Record<string, number> = { bit: 1, kbit: 1e3, mbit: 1e6, gbit: 1e9 };
/** Bytes per second for each unit of a rate written in bytes (the B is upper case: b is a bit). */
const BYTE_UNITS: Record<string, number> = { B: 1, kB: 1e3, KB: 1e3, MB: 1e6, GB: 1e9, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 };

/**
 * Bytes per second in a rate: `1mbit`, `100kbit/s`, `125kB/s`, `2MiB/s`, `4MB`; undefined
 * when the text is not one. Bit units take any case; byte units need the upper-case B.
 */
export function parseBandwidth(text: string): number | undefined {
  const m = /^([0-9]+(?:\.[0-9]+)?)([A-Za-z]+)(?:\/s)?$/.exec(text);
  if (!m) return undefined;
  const amount = Number(m[1]);
  const bits = BIT_UNITS[m[2]!.toLowerCase()];
  const bytes = BYTE_UNITS[m[2]!];
  const perSec = bits !== undefined ? (amount * bits) / 8 : bytes !== undefined ? amount * bytes : undefined;
  return perSec !== undefined && perSec > 0 && Number.isFinite(perSec) ? perSec : undefined;
}

/** One `key=value` word whose value is a Go duration (ms). */
function durationWord(word: string, key: string, value: string): number {
  const ms = parseGoDuration(value);
  if (ms === undefined) throw new LinkFaultError(`link fault "${word}": ${key} must be a duration like "50ms" or "1.5ms"`);
  return ms;
}

/** Reads one word into `faults`; throws LinkFaultError naming the word when it is not one. */
function readWord(word: string, faults: LinkFaults): void {
  const [key, value, ...rest] = word.split('=');
  if (value === undefined || rest.length > 0) {
    if (word === 'partition') faults.partition = true;
    else if (word === 'reset') faults.reset = true;
    else throw new LinkFaultError(`unknown link fault "${word}": use ${ALLOWED}`);
    return;
  }
  if (key === 'latency') faults.addedLatencyMs = durationWord(word, key, value);
  else if (key === 'jitter') faults.addedJitterMs = durationWord(word, key, value);
  else if (key === 'bandwidth') {
    const rate = parseBandwidth(value);
    if (rate === undefined)
      throw new LinkFaultError(`link fault "${word}": bandwidth must be a positive rate like "1mbit", "100kbit/s", "125kB/s" or "4MB/s"`);
    faults.bandwidthBytesPerSec = rate;
  } else throw new LinkFaultError(`unknown link fault "${word}": use ${ALLOWED}`);
}

const KEY_OF_WORD = (word: string): string => word.split('=')[0]!;

/** The faults that CLI words name, e.g. ["latency=50ms", "jitter=5ms"]; a clear LinkFaultError for any bad word. */
export function parseLinkFaults(words: readonly string[]): LinkFaults {
  if (words.length === 0) throw new LinkFaultError(`name a link fault: ${ALLOWED}`);
  const faults: LinkFaults = {};
  const seen = new Set<string>();
  for (const word of words) {
    const key = KEY_OF_WORD(word);
    if (seen.has(key)) throw new LinkFaultError(`link fault "${word}": ${key} is given twice`);
    seen.add(key);
    readWord(word, faults);
  }
  return faults;
}
