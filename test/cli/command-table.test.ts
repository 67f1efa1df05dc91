/**
 * main.ts loads a command's module through COMMANDS before parsing: a command some module
 * registers but the table does not name would answer "Unknown command".
 */
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { COMMANDS, registerAll, registerCommand, type Run } from '../../src/cli/command-table.ts';

const run: Run = () => undefined;

describe('the command table', () => {
  it('names every command the modules register, and loading that name alone registers it', async () => {
    const all = new Command('vaultlab');
    await registerAll(all, run);
    const names = all.commands.map((c) => c.name());
    expect(names.length).toBeGreaterThan(20);
    expect(names.filter((n) => !Object.hasOwn(COMMANDS, n))).toEqual([]);
    for (const name of names) {
      const one = new Command('vaultlab');
      expect(await registerCommand(one, run, name), name).toBe(true);
    }
  });

  it('does not know a name outside the table, Object.prototype included', async () => {
    for (const name of ['frobnicate', 'toString', '__proto__'])
      expect(await registerCommand(new Command('vaultlab'), run, name)).toBe(false);
  });
});
