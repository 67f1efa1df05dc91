/**
 * A random base port for a lab or a bench a test starts: every port it uses from there must lie
 * below the kernel's ephemeral ports (32768 and up on Linux), where the outgoing connections and
 * port-0 listeners of tests running beside it take theirs, or one can meet a port already in use.
 */
import { PORT_RANGES, SERVER_PORT_STRIDE } from '../../bench/port-base.ts';

const FIRST = 20_000;
const EPHEMERAL_START = 32_768;
const STEP = 100;

/** A base on a step of 100 from which `ports` ports stay below the ephemeral range. */
export function randomPortBase(ports: number): number {
  const steps = Math.floor((EPHEMERAL_START - FIRST - ports) / STEP);
  return FIRST + STEP * Math.floor(Math.random() * steps);
}

/** A base for `vaultlab bench --port-base`: room for every one of the bench's port ranges. */
export function randomBenchPortBase(): number {
  return randomPortBase(PORT_RANGES * SERVER_PORT_STRIDE);
}
