import { describe, expect, it } from 'vitest';
import { attributeStacks, categorise, categoryOf, parsePerfReport, parsePerfScript } from '../../bench/cpu-categories.ts';

const REPORT = `# Samples: 2K of event 'cpu-clock'
#
 20.00%  |[JIT] tid 1        |[.] JS:*handle file:///work/main/src/node/logical/request-handler.ts:10:3
 10.00%  |[JIT] tid 1        |[.] JS:^route /work/main/node_modules/find-my-way/index.js:300:10
  5.00%  |[JIT] tid 1        |[.] JS:*emit node:events:100:2
  8.00%  |node               |[.] aesni_gcm_encrypt
  7.00%  |node               |[.] v8::internal::Scavenger::ScavengeObject<v8::internal::FullHeapObjectSlot>
  6.00%  |[kernel.kallsyms]  |[k] tcp_sendmsg
  4.00%  |node               |[.] llhttp__internal__run
  3.00%  |libc.so.6          |[.] malloc
  2.00%  |node               |[.] v8::internal::JsonStringifier::Serialize_<false>
  1.50%  |classic-level.node |[.] leveldb::DBImpl::Write
  1.00%  |node               |[.] Builtins_LoadIC
  0.50%  |node               |[.] uv_run
  0.25%  |node               |[.] something_unknown
`;

describe('on-CPU categories from perf report', () => {
  const rows = parsePerfReport(REPORT);

  it('parses every data row and skips comments', () => {
    expect(rows).toHaveLength(13);
    expect(rows[0]).toEqual({
      percent: 20,
      dso: '[JIT] tid 1',
      symbol: 'JS:*handle file:///work/main/src/node/logical/request-handler.ts:10:3',
    });
    expect(rows[5].symbol).toBe('tcp_sendmsg');
  });

  it('splits JavaScript by who wrote it and native code by what it does', () => {
    expect(rows.map(categoryOf)).toEqual([
      'vaultlab JS: src/node',
      'package JS: find-my-way',
      'Node core JS',
      'crypto (OpenSSL)',
      'garbage collection',
      'kernel (syscalls, network, scheduling)',
      'HTTP parsing (llhttp)',
      'memory (malloc, free, memcpy)',
      'JSON parse and stringify (V8)',
      'LevelDB',
      'V8 runtime and builtins',
      'libuv and Node C++',
      'other native',
    ]);
  });

  it('sums percents per category, largest first', () => {
    const c = categorise([...rows, { percent: 5, dso: '[JIT] tid 1', symbol: 'JS:~get /work/main/src/node/x.ts:1:1' }]);
    expect(c[0]).toEqual({ category: 'vaultlab JS: src/node', percent: 25 });
    expect(c.map((x) => x.percent)).toEqual([...c.map((x) => x.percent)].sort((a, b) => b - a));
  });
});

describe('on-CPU attribution from perf script stacks', () => {
  const SCRIPT = `
\t  150bcd5 Builtins_LoadIC (/usr/bin/node)
\t  7fd004 JS:*handle /work/main/src/node/logical/request-handler.ts:10:3 (/tmp/perf-1.map)
\t  7fd005 JS:*emit node:events:100:2 (/tmp/perf-1.map)

\t  aa aesni_gcm_encrypt (/usr/bin/node)
\t  7fd004 JS:*seal /work/main/src/crypto/value-sealer.ts:1:1 (/tmp/perf-1.map)

\t  bb v8::internal::Scavenger::ScavengeObject (/usr/bin/node)

\t  cc Builtins_CallFunction (/usr/bin/node)
\t  dd uv_run (/usr/bin/node)
`;
  const stacks = parsePerfScript(SCRIPT);

  it('reads one stack per sample, leaf first', () => {
    expect(stacks.map((s) => s.length)).toEqual([3, 2, 1, 2]);
    expect(stacks[0][1]).toEqual({ symbol: 'JS:*handle /work/main/src/node/logical/request-handler.ts:10:3', dso: '/tmp/perf-1.map' });
  });

  it('charges builtins to the JavaScript that ran them, and keeps crypto, GC and builtins without a JS caller as they are', () => {
    expect(attributeStacks(stacks)).toEqual([
      { category: 'vaultlab JS: src/node', percent: 25 },
      { category: 'crypto (OpenSSL)', percent: 25 },
      { category: 'garbage collection', percent: 25 },
      { category: 'V8 runtime and builtins', percent: 25 },
    ]);
  });
});
