/**
 * Where on-CPU time goes, in words a reader can act on: `perf report`'s flat self-time rows
 * (one per symbol) folded into categories. JIT frames carry their source file from
 * `node --perf-basic-prof`, so JavaScript splits by who wrote it: vaultlab's rooms, a
 * package in node_modules, Node's own JS.
 */

/** One row of `perf report --no-children --sort dso,sym -g none --field-separator='|'`. */
export interface PerfRow {
  percent: number;
  dso: string;
  symbol: string;
}

/** Parses perf's flat report; comment and blank lines are skipped. */
export function parsePerfReport(text: string): PerfRow[] {
  const rows: PerfRow[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    const [pct, dso, sym] = line.split('|').map((f) => f.trim());
    const percent = Number.parseFloat(pct);
    if (!Number.isFinite(percent) || dso === undefined || sym === undefined) continue;
    rows.push({ percent, dso, symbol: sym.replace(/^\[[.k]\]\s*/, '') });
  }
  return rows;
}

const NATIVE: Array<[RegExp, string]> = [
  [/llhttp/, 'HTTP parsing (llhttp)'],
  [/leveldb::|snappy|classic.level/i, 'LevelDB'],
  [/aes|gcm|ghash|sha256|sha512|EVP_|ossl_|OSSL_|CRYPTO_|OPENSSL|node::crypto::/i, 'crypto (OpenSSL)'],
  [/Json(Parser|Stringifier)|Builtins_Json/, 'JSON parse and stringify (V8)'],
  [
    /v8::internal::(Heap|Scavenge|MarkCompact|Marking|ConcurrentMarking|Sweeper|Evacuat|MinorM|GCTracer|MemoryAllocator|PagedSpace|NewSpace|LargeObjectSpace|MemoryChunk|RememberedSet|SlotSet)/,
    'garbage collection',
  ],
  [
    /v8::internal::(compiler::|maglev::|baseline::|interpreter::|Parser|PreParser|Scanner|AstValueFactory|Scope|Compiler|Deserializer)/,
    'V8 compilers and parser',
  ],
  [/^(malloc|free|cfree|realloc|calloc|_int_|__libc_|unlink_chunk|__mem(move|cpy|set)|mem(move|cpy|set))/, 'memory (malloc, free, memcpy)'],
  [/^Builtins_|^Builtin:|^BytecodeHandler|^Stub:|^RegExp:|v8::/, 'V8 runtime and builtins'],
  [/^uv_|node::|libuv/, 'libuv and Node C++'],
];

/** The category of JavaScript at a source location. */
function jsCategory(symbol: string): string {
  const src = /\/src\/([a-z]+)\//.exec(symbol);
  if (src && !symbol.includes('node_modules')) return `vaultlab JS: src/${src[1]}`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(symbol);
  if (pkg) return `package JS: ${pkg[1]}`;
  if (/\bnode:/.test(symbol)) return 'Node core JS';
  return 'other JS';
}

/** A JIT frame named by --perf-basic-prof (optimised, baseline or interpreted). */
const JS_FRAME = /^(JS|Eval|Function|LazyCompile):/;

/** The category of one row. */
export function categoryOf(row: PerfRow): string {
  if (row.dso.startsWith('[kernel')) return 'kernel (syscalls, network, scheduling)';
  if (JS_FRAME.test(row.symbol)) return jsCategory(row.symbol);
  if (row.dso.startsWith('[JIT]') || /\/perf-\d+\.map$/.test(row.dso)) return 'V8 runtime and builtins';
  for (const [re, name] of NATIVE) if (re.test(row.symbol) || re.test(row.dso)) return name;
  return 'other native';
}

/** Percent of on-CPU samples per category, largest first. */
export function categorise(rows: PerfRow[]): Array<{ category: string; percent: number }> {
  const sums = new Map<string, number>();
  for (const r of rows) sums.set(categoryOf(r), (sums.get(categoryOf(r)) ?? 0) + r.percent);
  return [...sums].map(([category, percent]) => ({ category, percent })).sort((a, b) => b.percent - a.percent);
}

/** One sampled stack, leaf first. */
export type Stack = Array<Pick<PerfRow, 'dso' | 'symbol'>>;

/** Parses `perf script -F ip,sym,dso`: one block of frames (leaf first) per sample, blocks apart by blank lines. */
export function parsePerfScript(text: string): Stack[] {
  const stacks: Stack[] = [];
  let current: Stack = [];
  for (const line of text.split('\n')) {
    const frame = /^\s*[0-9a-f]+\s+(.*?)\s+\((.*)\)\s*$/.exec(line);
    if (frame) current.push({ symbol: frame[1], dso: frame[2] });
    else if (!line.trim() && current.length) {
      stacks.push(current);
      current = [];
    }
  }
  if (current.length) stacks.push(current);
  return stacks;
}

/** Work that is its own kind wherever it is called from. */
const OWN_KIND = /^(kernel|crypto|garbage|LevelDB|HTTP parsing|JSON|memory|V8 compilers)/;
const isJsWithSource = (f: Stack[number]) => JS_FRAME.test(f.symbol) && /[/:]/.test(f.symbol.replace(JS_FRAME, ''));

/**
 * Samples per category, charging a V8 builtin, an inline cache or Node's C++ to the nearest
 * JavaScript frame above it that has a source file: `Builtins_LoadIC` says nothing, the
 * vaultlab room or package that ran it does. Kernel, crypto, GC, JSON, parsing and allocation
 * stay their own kind.
 */
export function attributeStacks(stacks: Stack[]): Array<{ category: string; percent: number }> {
  const counts = new Map<string, number>();
  for (const stack of stacks) {
    const leaf = categoryOf({ percent: 0, ...stack[0] });
    const caller = OWN_KIND.test(leaf) ? undefined : stack.find(isJsWithSource);
    const category = caller ? categoryOf({ percent: 0, ...caller }) : leaf;
    counts.set(category, (counts.get(category) ?? 0) + 1);
  }
  return [...counts]
    .map(([category, n]) => ({ category, percent: (100 * n) / Math.max(1, stacks.length) }))
    .sort((a, b) => b.percent - a.percent);
}
