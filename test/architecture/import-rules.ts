/**
 * The import rules of the project's layout (docs/architecture.md), as a function over a set
 * of source texts, so the same check runs on src/ and on a small planted set that proves it
 * can fail. Imports are read from the TypeScript compiler's syntax tree (type-only imports,
 * re-exports and dynamic `import()` included), never with a regular expression.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { posix } from 'node:path';
import ts from 'typescript';

/** Source texts by repository-relative POSIX path (`src/ha/leadership.ts`). */
export type SourceSet = ReadonlyMap<string, string>;

/** The rooms of the chain, in dependency order: a room may import any room to its left. */
export const ROOM_CHAIN = ['clock', 'storage', 'crypto', 'ha', 'node', 'api', 'net', 'lab', 'drill', 'cli'] as const;

/** Leaf rooms: they import nothing of ours; `hcl` may be imported by anyone, `types` (ambient declarations) by no one. */
export const LEAF_ROOMS = ['hcl', 'types'] as const;

/** The rules, as named in the test's output. */
export type RuleKind = 'direction' | 'door' | 'node-halves' | 'cycle' | 'unresolved' | 'light-door';

/**
 * Second doors: a room may offer one light door beside its index.ts, for callers that must
 * not load the room's heavy packages (the CLI's lab verbs reach a running lab without
 * loading fastify or level). Everything a light door loads (its value imports, followed
 * through the set) must stay clear of the packages listed here.
 */
export const LIGHT_DOORS: Readonly<Record<string, readonly string[]>> = {
  'src/lab/client-door.ts': ['fastify', 'level', 'classic-level', 'xstate', 'shamir-secret-sharing', '@noble/ciphers', 'etcd3'],
  'src/net/words-door.ts': [
    'fastify',
    'level',
    'classic-level',
    'xstate',
    'shamir-secret-sharing',
    '@noble/ciphers',
    '@peculiar/x509',
    'etcd3',
  ],
};

/** One broken rule: the importing file, the file it imports, and why that is wrong. */
export interface ImportFinding {
  kind: RuleKind;
  file: string;
  imports?: string;
  message: string;
}

/** One resolved import between two files of the set. */
export interface ImportEdge {
  from: string;
  to: string;
  specifier: string;
  how: ImportHow;
}

/** The room a path belongs to (`src/ha/x.ts` → `ha`), or undefined outside src/ or directly in it. */
export function roomOf(file: string): string | undefined {
  const parts = file.split('/');
  return parts[0] === 'src' && parts.length > 2 ? parts[1] : undefined;
}

/** Whether room `from` may import room `to` (the same room always may; clock and the leaves import nothing of ours). */
export function mayImport(from: string, to: string): boolean {
  if (from === to) return true;
  if (from === 'clock' || (LEAF_ROOMS as readonly string[]).includes(from)) return false;
  if (to === 'hcl') return true;
  const chain: readonly string[] = ROOM_CHAIN;
  return chain.includes(from) && chain.includes(to) && chain.indexOf(to) < chain.indexOf(from);
}

/** The file a relative specifier names, trying the path as written, then `.ts` and `/index.ts`. */
function resolve(files: SourceSet, from: string, specifier: string): string {
  const base = posix.normalize(posix.join(posix.dirname(from), specifier));
  const candidates = [base, `${base}.ts`, `${base}/index.ts`, base.replace(/\.js$/, '.ts')];
  return candidates.find((c) => files.has(c)) ?? base;
}

/** How a file depends on another: a value import, a type-only import or re-export, or a dynamic `import()`. */
export type ImportHow = 'value' | 'type' | 'dynamic';

/** Whether an import or export declaration brings in types only (`import type`, or every named binding marked `type`). */
function typeOnly(node: ts.ImportDeclaration | ts.ExportDeclaration): boolean {
  if (ts.isExportDeclaration(node)) {
    return (
      node.isTypeOnly ||
      (!!node.exportClause && ts.isNamedExports(node.exportClause) && node.exportClause.elements.every((e) => e.isTypeOnly))
    );
  }
  const clause = node.importClause;
  if (!clause) return false;
  if (clause.isTypeOnly) return true;
  const named = clause.namedBindings;
  return !clause.name && !!named && ts.isNamedImports(named) && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly);
}

/** Every module specifier in a source text, with how it is used, read from the compiler's syntax tree. */
export function importsOf(file: string, text: string): Array<{ specifier: string; how: ImportHow }> {
  const found: Array<{ specifier: string; how: ImportHow }> = [];
  const visit = (node: ts.Node): void => {
    if (
      (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      found.push({ specifier: node.moduleSpecifier.text, how: typeOnly(node) ? 'type' : 'value' });
    } else if (
      ts.isCallExpression(node) &&
      node.expression.kind === ts.SyntaxKind.ImportKeyword &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      found.push({ specifier: node.arguments[0].text, how: 'dynamic' });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      found.push({ specifier: node.argument.literal.text, how: 'type' });
    }
    ts.forEachChild(node, visit);
  };
  visit(ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS));
  return found;
}

/** Every relative import of every file, resolved; a target missing from the set is reported, not dropped. */
export function importEdges(files: SourceSet): { edges: ImportEdge[]; unresolved: ImportFinding[] } {
  const edges: ImportEdge[] = [];
  const unresolved: ImportFinding[] = [];
  for (const [from, text] of files) {
    for (const { specifier, how } of importsOf(from, text)) {
      if (!specifier.startsWith('.')) continue;
      const to = resolve(files, from, specifier);
      if (files.has(to) || !to.startsWith('src/')) edges.push({ from, to, specifier, how });
      else unresolved.push({ kind: 'unresolved', file: from, imports: specifier, message: `${specifier} names no file of the set` });
    }
  }
  return { edges, unresolved };
}

/** Rule a: rooms import only rooms to their left in the chain; src imports nothing outside src. */
function directionFindings(edges: readonly ImportEdge[]): ImportFinding[] {
  const out: ImportFinding[] = [];
  for (const e of edges) {
    const from = roomOf(e.from);
    const to = roomOf(e.to);
    if (!e.to.startsWith('src/')) {
      out.push({ kind: 'direction', file: e.from, imports: e.to, message: 'src imports nothing outside src' });
    } else if (from === undefined || to === undefined) {
      out.push({ kind: 'direction', file: e.from, imports: e.to, message: 'every file of src belongs to a room (src/<room>/...)' });
    } else if (!mayImport(from, to)) {
      const known = [...ROOM_CHAIN, ...LEAF_ROOMS] as string[];
      const unknown = [from, to].filter((r) => !known.includes(r));
      const why = unknown.length ? `src/${unknown[0]} is not in the layout's room list` : `${from} may not import ${to}`;
      out.push({ kind: 'direction', file: e.from, imports: e.to, message: why });
    }
  }
  return out;
}

/** Rule b: a file from outside a room enters it only through the room's index.ts. */
function doorFindings(edges: readonly ImportEdge[]): ImportFinding[] {
  return edges
    .filter((e) => {
      const to = roomOf(e.to);
      return to !== undefined && roomOf(e.from) !== to && e.to !== `src/${to}/index.ts` && !Object.hasOwn(LIGHT_DOORS, e.to);
    })
    .map((e) => ({ kind: 'door', file: e.from, imports: e.to, message: `enter src/${roomOf(e.to)} through its index.ts` }));
}

/** Rule c: inside src/node the arrow runs core → logical only, and errors.ts imports nothing of the node room. */
function nodeHalvesFindings(edges: readonly ImportEdge[]): ImportFinding[] {
  const out: ImportFinding[] = [];
  for (const e of edges) {
    const finding = (message: string) => out.push({ kind: 'node-halves', file: e.from, imports: e.to, message });
    if (e.from.startsWith('src/node/logical/') && e.to.startsWith('src/node/core/'))
      finding('src/node/logical never imports src/node/core');
    if (e.from.startsWith('src/node/logical/') && e.to === 'src/node/index.ts')
      finding('src/node/logical never imports the node index (it re-exports core)');
    if (e.from === 'src/node/errors.ts' && e.to.startsWith('src/node/')) finding('src/node/errors.ts imports nothing of src/node');
  }
  return out;
}

/** Strongly connected components of more than one file (or a file importing itself), each sorted, by Tarjan's algorithm. */
export function importCycles(edges: readonly ImportEdge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const e of edges) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, index.size);
    low.set(v, index.get(v)!);
    stack.push(v);
    onStack.add(v);
    for (const w of next.get(v) ?? []) {
      if (!index.has(w)) visit(w);
      if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, low.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const scc: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      scc.push(w);
    } while (w !== v);
    if (scc.length > 1 || (next.get(v) ?? []).includes(v)) cycles.push(scc.sort());
  };
  for (const v of [...next.keys()].sort()) if (!index.has(v)) visit(v);
  return cycles.sort((a, b) => a[0].localeCompare(b[0]));
}

/** Rule d, as findings: one per cycle, naming every file in it and the imports that close it. */
function cycleFindings(edges: readonly ImportEdge[]): ImportFinding[] {
  return importCycles(edges).map((scc) => {
    const inside = new Set(scc);
    const links = edges
      .filter((e) => inside.has(e.from) && inside.has(e.to))
      .map((e) => `${e.from} → ${e.to}${e.how === 'value' ? '' : ` (${e.how})`}`);
    return { kind: 'cycle', file: scc[0], message: `import cycle among ${scc.join(', ')} (${links.join('; ')})` };
  });
}

const edgeCache = new WeakMap<SourceSet, ImportEdge[]>();

/** The files a file loads when it runs: its value imports (not type-only, not dynamic), followed through the set. */
export function loadedFiles(files: SourceSet, start: string): Set<string> {
  let edges = edgeCache.get(files);
  if (!edges) edgeCache.set(files, (edges = importEdges(files).edges));
  const seen = new Set<string>([start]);
  const todo = [start];
  while (todo.length) {
    const from = todo.pop()!;
    for (const e of edges)
      if (e.from === from && e.how === 'value' && files.has(e.to) && !seen.has(e.to)) (seen.add(e.to), todo.push(e.to));
  }
  return seen;
}

/** Rule e: nothing a light door loads imports one of the packages it must stay clear of. */
function lightDoorFindings(files: SourceSet): ImportFinding[] {
  const out: ImportFinding[] = [];
  for (const [door, heavy] of Object.entries(LIGHT_DOORS)) {
    if (!files.has(door)) continue;
    for (const file of loadedFiles(files, door)) {
      for (const { specifier, how } of importsOf(file, files.get(file)!)) {
        const pkg = heavy.find((h) => specifier === h || specifier.startsWith(`${h}/`));
        if (pkg && how === 'value')
          out.push({
            kind: 'light-door',
            file,
            imports: specifier,
            message: `${door} is a light door: nothing it loads may import ${pkg}`,
          });
      }
    }
  }
  return out;
}

/** Every broken rule in the set. */
export function checkImports(files: SourceSet): ImportFinding[] {
  const { edges, unresolved } = importEdges(files);
  return [
    ...unresolved,
    ...directionFindings(edges),
    ...doorFindings(edges),
    ...nodeHalvesFindings(edges),
    ...cycleFindings(edges),
    ...lightDoorFindings(files),
  ];
}

/** One line per finding, for a failure message. */
export function formatFinding(f: ImportFinding): string {
  return `${f.kind}: ${f.file}${f.imports ? ` imports ${f.imports}` : ''}: ${f.message}`;
}

/** Every .ts file under `dir` (relative to `root`), read from disk. */
export function readSources(root: string, dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const rel of readdirSync(posix.join(root, dir), { recursive: true, encoding: 'utf8' })) {
    if (rel.endsWith('.ts')) files.set(posix.join(dir, rel.split('\\').join('/')), readFileSync(posix.join(root, dir, rel), 'utf8'));
  }
  return files;
}
