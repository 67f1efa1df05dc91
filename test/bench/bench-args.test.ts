/** The bench's command line: values read as typed, and a bad one refused with the flag's value quoted as typed. */
import { describe, expect, it } from 'vitest';
import { parseBenchArgs } from '../../bench/bench-args.ts';

describe('parseBenchArgs', () => {
  it('reads connection lists, a duration, storages, cases and the port base', () => {
    const o = parseBenchArgs(['--quick', '--connections=1,10', '--duration=0.5', '--storages=level', '--cases=baseline', '--port-base=0']);
    expect(o).toEqual({
      quick: true,
      outDir: 'bench/out',
      connections: [1, 10],
      durationSec: 0.5,
      storages: ['level'],
      cases: ['baseline'],
      portBase: 0,
    });
  });

  it('reads the API TLS modes: off, on, or both as an axis', () => {
    expect(parseBenchArgs(['--api-tls=on']).apiTls).toEqual(['on']);
    expect(parseBenchArgs(['--api-tls=off,on']).apiTls).toEqual(['off', 'on']);
    expect(parseBenchArgs([]).apiTls).toBeUndefined();
  });

  it.each([
    ['--api-tls=yes', '--api-tls: unknown "yes" (known: off, on)'],
    ['--api-tls=off,', '--api-tls: unknown "" (known: off, on)'],
    ['--api-tls=on,on', '--api-tls names a mode twice: got "on,on"'],
    ['--api-tls', '--api-tls needs a value: --api-tls=VALUE'],
    ['--duration=1,2', '--duration takes a number above 0: got "1,2"'],
    ['--duration=0', '--duration takes a number above 0: got "0"'],
    ['--connections=1,x', '--connections takes whole numbers above 0, comma-separated: got "1,x"'],
    ['--connections=2.5', '--connections takes whole numbers above 0, comma-separated: got "2.5"'],
    ['--storages=disk', '--storages: unknown "disk" (known: memory, level)'],
    ['--duration', '--duration needs a value: --duration=VALUE'],
    ['--fast', 'unknown argument "--fast"'],
  ])('refuses %s', (arg, message) => {
    expect(() => parseBenchArgs([arg])).toThrow(message);
  });
});
