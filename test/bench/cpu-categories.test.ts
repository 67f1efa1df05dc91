import { describe, expect, it } from 'vitest';
import { categorise, categoryOf, parsePerfReport } from '../../bench/cpu-categories.ts';

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
