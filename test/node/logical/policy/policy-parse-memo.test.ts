/** parsePolicy parses a text once however often it is asked (the HCL parser is the costly part), and every answer is the caller's own. */
import { describe, expect, it, vi } from 'vitest';

const hcl = vi.hoisted(() => ({ calls: 0 }));
vi.mock('../../../../src/hcl/index.ts', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../../../src/hcl/index.ts')>();
  return {
    ...real,
    parseHclRaw: (text: string) => {
      hcl.calls++;
      return real.parseHclRaw(text);
    },
  };
});

const { parsePolicy, PolicyParseError } = await import('../../../../src/node/logical/policy/index.ts');

const TEXT = 'path "secret/data/app/*" { capabilities = ["read", "list"] }\npath "sys/health" { capabilities = ["sudo"] }';

describe('parsePolicy on a text it has parsed before', () => {
  it('does not run the HCL parser again, and gives the same rules under each name', () => {
    const first = parsePolicy('app', TEXT);
    const calls = hcl.calls;
    const second = parsePolicy('other', TEXT);
    expect(hcl.calls).toBe(calls);
    expect(second).toEqual({ ...first, name: 'other' });
    expect(second.rules.map((r) => [r.path, [...r.capabilities]])).toEqual([
      ['secret/data/app/*', ['read', 'list']],
      ['sys/health', ['sudo']],
    ]);
  });

  it("hands out copies: changing one caller's rules changes no other caller's", () => {
    const first = parsePolicy('app', TEXT);
    first.rules[0].capabilities.add('delete');
    first.rules.pop();
    expect(parsePolicy('app', TEXT).rules.map((r) => [r.path, [...r.capabilities]])).toEqual([
      ['secret/data/app/*', ['read', 'list']],
      ['sys/health', ['sudo']],
    ]);
  });

  it('refuses a bad text every time it is asked, not only the first', () => {
    const bad = 'path "a" { capabilities = ["fly"] }';
    expect(() => parsePolicy('bad', bad)).toThrow(PolicyParseError);
    expect(() => parsePolicy('bad', bad)).toThrow('invalid capability "fly"');
  });
});
