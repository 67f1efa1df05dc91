/** The CLI's questions on the terminal: a hidden prompt for unseal keys (echo muted, as `vault operator unseal` asks), and a yes/no. */
import { createInterface } from 'node:readline';
import { Writable } from 'node:stream';
import { UsageError } from './output.ts';

/** Asks on the TTY without echoing; refuses when there is no TTY to ask on. */
export async function readHidden(question: string): Promise<string> {
  if (!process.stdin.isTTY) {
    throw new UsageError('no unseal key given and stdin is not a terminal: pass the key as an argument, or "-" to read it from stdin');
  }
  let muted = false;
  const output = new Writable({
    write(chunk, _enc, cb) {
      if (!muted) process.stderr.write(chunk);
      cb();
    },
  });
  const rl = createInterface({ input: process.stdin, output, terminal: true });
  const answer = new Promise<string>((resolve) => rl.question(question, resolve));
  muted = true;
  const key = await answer;
  rl.close();
  process.stderr.write('\n');
  return key.trim();
}

/** Asks a yes/no question on the terminal; only "y" or "yes" is yes. */
export async function askYesNo(question: string, input = process.stdin, output = process.stderr): Promise<boolean> {
  const rl = createInterface({ input, output, terminal: false });
  output.write(question);
  const answer = await new Promise<string>((resolve) => {
    rl.once('line', resolve);
    rl.once('close', () => resolve(''));
  });
  rl.close();
  return /^(y|yes)$/i.test(answer.trim());
}
