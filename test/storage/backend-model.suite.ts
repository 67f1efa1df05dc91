/**
 * A model test of the Backend contract (docs/invariants.md): random sequences of put, delete,
 * get and list run against the backend and against a plain Map, and every answer must agree.
 * The key alphabet is small, so keys collide, nest and shadow each other (a key next to a
 * folder of the same name), and includes characters whose UTF-8 and UTF-16 orders differ.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Backend } from '../../src/storage/index.ts';
import type { BackendFixture } from './backend.suite.ts';

type Model = Map<string, string>;
type Real = { be: Backend };

const SEGMENTS = ['a', 'b', 'ab', 'a-b', 'é', '～', '😀'];
const enc = new TextEncoder();
const byUtf8 = (x: string, y: string) => Buffer.compare(enc.encode(x), enc.encode(y));

/** What list(prefix) must answer, computed from the model alone. */
export function modelList(model: Model, prefix: string): string[] {
  const children = new Set<string>();
  for (const key of model.keys()) {
    if (!key.startsWith(prefix)) continue;
    const rest = key.slice(prefix.length);
    const slash = rest.indexOf('/');
    children.add(slash < 0 ? rest : rest.slice(0, slash + 1));
  }
  return [...children].sort(byUtf8);
}

class Put implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly key: string,
    readonly value: string,
  ) {}
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    await r.be.put(this.key, enc.encode(this.value));
    m.set(this.key, this.value);
  }
  toString = () => `put(${this.key}, ${JSON.stringify(this.value)})`;
}

class Delete implements fc.AsyncCommand<Model, Real> {
  constructor(readonly key: string) {}
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    await r.be.delete(this.key);
    m.delete(this.key);
  }
  toString = () => `delete(${this.key})`;
}

class Get implements fc.AsyncCommand<Model, Real> {
  constructor(readonly key: string) {}
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    const got = await r.be.get(this.key);
    expect(got === undefined ? undefined : new TextDecoder().decode(got)).toBe(m.get(this.key));
  }
  toString = () => `get(${this.key})`;
}

class List implements fc.AsyncCommand<Model, Real> {
  constructor(readonly prefix: string) {}
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    expect(await r.be.list(this.prefix)).toEqual(modelList(m, this.prefix));
  }
  toString = () => `list(${JSON.stringify(this.prefix)})`;
}

const segment = fc.constantFrom(...SEGMENTS);
const key = fc.array(segment, { minLength: 1, maxLength: 3 }).map((s) => s.join('/'));
const prefix = fc.oneof(
  fc.constant(''),
  key.map((k) => `${k}/`),
  key,
);
const commands = fc.commands(
  [
    fc.tuple(key, fc.string({ maxLength: 6 })).map(([k, v]) => new Put(k, v)),
    key.map((k) => new Delete(k)),
    key.map((k) => new Get(k)),
    prefix.map((p) => new List(p)),
  ],
  { maxCommands: 50 },
);

/** Runs the model test on fresh backends from `open` (one per run, so a shrunk case replays alone). */
export function backendModelSuite(name: string, open: () => Promise<BackendFixture>, numRuns = 200): void {
  describe(`${name}: against a Map model`, () => {
    it(`agrees with the model over ${numRuns} random runs of up to 50 operations`, async () => {
      await fc.assert(
        fc.asyncProperty(commands, async (cmds) => {
          const { backend, dispose } = await open();
          try {
            const model: Model = new Map();
            await fc.asyncModelRun(() => ({ model, real: { be: backend } }), cmds);
            // The final state, walked in full through list and get, must be the model's.
            expect(await dump(backend)).toEqual([...model].sort(([x], [y]) => byUtf8(x, y)));
          } finally {
            await dispose();
          }
        }),
        { numRuns },
      );
    });
  });
}

/** Every key and value, in key order, found by walking list() from the root. */
async function dump(be: Backend, prefix = ''): Promise<Array<[string, string]>> {
  const out: Array<[string, string]> = [];
  for (const child of await be.list(prefix)) {
    if (child.endsWith('/')) out.push(...(await dump(be, prefix + child)));
    else out.push([prefix + child, new TextDecoder().decode(await be.get(prefix + child))]);
  }
  return out;
}
