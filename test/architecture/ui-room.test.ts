/**
 * The dashboard's room (src/ui) imports nothing of ours and no package: the browser loads its
 * files as they are, so each import must name another file of the folder. The check reads the
 * imports with the TypeScript compiler's own pre-processor, never with a regular expression,
 * and a planted file shows it can fail.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const UI = new URL('../../src/ui/', import.meta.url).pathname;

/** The imports of a browser module that do not name a sibling file that exists. */
function strayImports(source: string, exists: (name: string) => boolean): string[] {
  return ts
    .preProcessFile(source, true, true)
    .importedFiles.map((f) => f.fileName)
    .filter((spec) => !/^\.\/[a-z-]+\.js$/.test(spec) || !exists(spec.slice(2)));
}

describe('src/ui', () => {
  const files = readdirSync(UI).filter((f) => f.endsWith('.js'));

  it('has the page modules', () => {
    expect(files).toEqual(expect.arrayContaining(['dashboard.js', 'holder.js', 'lab-model.js', 'lab-stream.js']));
  });

  it.each(files)('%s imports only files of its own folder', (file) => {
    expect(strayImports(readFileSync(join(UI, file), 'utf8'), (name) => existsSync(join(UI, name)))).toEqual([]);
  });

  it('catches a planted import of a package and of another room', () => {
    const planted =
      "import Fastify from 'fastify';\nimport { h } from './dom.js';\nimport { x } from '../lab/index.ts';\nimport('./missing.js');";
    expect(strayImports(planted, (name) => name === 'dom.js')).toEqual(['fastify', '../lab/index.ts', './missing.js']);
  });
});
