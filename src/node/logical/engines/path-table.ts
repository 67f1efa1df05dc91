/**
 * One routing idiom for every engine, as Vault's `framework.Path`: an engine declares a
 * table of anchored patterns, each with a handler per operation and, where it has one, an
 * existence check. The first pattern that matches the path wins. A matched path without
 * a handler for the operation, and a path no pattern matches, get the answers the table
 * names, since Vault's engines differ there (a 405, or KV v2's 404 with a warning).
 */
import type { LogicalResponse, Operation } from '../request.ts';
import type { EngineRequest } from './engine.ts';

/** The named captures of the matching pattern; a group that did not take part is ''. */
export type PathParams = Readonly<Record<string, string>>;

/** Serves one operation on one path. */
export type PathHandler<R extends EngineRequest = EngineRequest> = (req: R, params: PathParams) => Promise<LogicalResponse | undefined>;

/** Vault's existence check: true → update, false → create; undefined leaves the operation as it came. */
export type ExistenceCheck<R extends EngineRequest = EngineRequest> = (req: R, params: PathParams) => Promise<boolean | undefined>;

/** The answer where no handler serves the request: an Error is thrown, a response is returned. */
export type Fallback<R extends EngineRequest = EngineRequest> = (req: R) => Error | LogicalResponse;

/** A path's handlers by operation. */
export type PathOperations<R extends EngineRequest = EngineRequest> = Partial<Record<Operation, PathHandler<R>>>;

/** One path of an engine (framework.Path). */
export interface PathEntry<R extends EngineRequest = EngineRequest> {
  /** Anchored at both ends, relative to the mount; no g or y flag (the router reuses it). */
  pattern: RegExp;
  /** 'create' without a handler of its own is served by 'update', as Vault does for a path with no existence check. */
  operations: PathOperations<R>;
  exists?: ExistenceCheck<R>;
  /** The answer for an operation this path lacks, when it is not the table's. */
  unsupported?: Fallback<R>;
}

/** An engine's paths and its answers where none serves a request. */
export interface PathTable<R extends EngineRequest = EngineRequest> {
  paths: readonly PathEntry<R>[];
  /** A path matched, but without a handler for the operation. */
  unsupported: Fallback<R>;
  /** No pattern matched the path. */
  unmatched: Fallback<R>;
}

/** The first entry whose pattern matches `path`, with its captures. */
function find<R extends EngineRequest>(paths: readonly PathEntry<R>[], path: string): [PathEntry<R>, PathParams] | undefined {
  for (const entry of paths) {
    const m = entry.pattern.exec(path);
    if (!m) continue;
    const params: Record<string, string> = {};
    for (const [name, value] of Object.entries(m.groups ?? {})) params[name] = value ?? '';
    return [entry, params];
  }
  return undefined;
}

function answer(r: Error | LogicalResponse): LogicalResponse {
  if (r instanceof Error) throw r;
  return r;
}

/** A handler that answers 204 (Vault's nil response) once `fn` is done. */
export function noContent<R extends EngineRequest>(fn: (req: R, params: PathParams) => Promise<unknown>): PathHandler<R> {
  return async (req, params) => {
    await fn(req, params);
    return undefined;
  };
}

/** A list's answer: the keys, or nothing (Vault's 404) when there are none. */
export function listing(keys: string[]): LogicalResponse | undefined {
  return keys.length ? { data: { keys } } : undefined;
}

/** The match the request's existence check made in this table, if it made one for this path. */
function matchedBefore<R extends EngineRequest>(table: PathTable<R>, req: R): [PathEntry<R>, PathParams] | undefined {
  const e = req.existence;
  if (!e || e.path !== req.path) return undefined;
  const entry = table.paths.find((p) => p === e.route);
  return entry && [entry, e.params];
}

/** Serves a request through a table (reusing the existence check's match: one match per request). */
export async function routeRequest<R extends EngineRequest>(table: PathTable<R>, req: R): Promise<LogicalResponse | undefined> {
  const hit = matchedBefore(table, req) ?? find(table.paths, req.path);
  if (!hit) return answer(table.unmatched(req));
  const [entry, params] = hit;
  const ops = entry.operations;
  const handler = ops[req.operation] ?? (req.operation === 'create' ? ops.update : undefined);
  if (!handler) return answer((entry.unsupported ?? table.unsupported)(req));
  return handler(req, params);
}

/**
 * Runs the existence check of the path a request names; undefined where the path has none.
 * The match is left on the request (req.existence) for routeRequest, and the check may add
 * what it read there for the handler.
 */
export async function checkExistence<R extends EngineRequest>(table: PathTable<R>, req: R): Promise<boolean | undefined> {
  const hit = find(table.paths, req.path);
  if (!hit) return undefined;
  req.existence = { path: req.path, route: hit[0], params: hit[1] };
  return hit[0].exists?.(req, hit[1]);
}
