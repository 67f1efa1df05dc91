/** `vaultlab operator init|unseal|seal|step-down`, printing what `vault operator …` prints. */
import type { Command } from 'commander';
import { resolveAddress, withClient } from './client.ts';
import { kvTable } from './columnize.ts';
import { ADDRESS_HELP, FORMAT_HELP } from './help-texts.ts';
import { registerKeyCommands } from './key-commands.ts';
import { registerMembers } from './members-command.ts';
import { readHidden } from './prompt.ts';
import { out, outData, parseFormat, type Run, UsageError } from './output.ts';
import { statusRows } from './status-command.ts';

function initText(keys: string[], root: string, n: number, t: number): string {
  const lines = keys.map((k, i) => `Unseal Key ${i + 1}: ${k}`);
  return [
    ...lines,
    '',
    `Initial Root Token: ${root}`,
    '',
    `Vault initialized with ${n} key shares and a key threshold of ${t}. Please securely`,
    'distribute the key shares printed above. When the Vault is re-sealed,',
    `restarted, or stopped, you must supply at least ${t} of these keys to unseal it`,
    'before it can start servicing requests.',
    '',
    `Vault does not store the generated root key. Without at least ${t} keys to`,
    'reconstruct the root key, Vault will remain permanently sealed!',
    '',
    'It is possible to generate new unseal keys, provided you have a quorum of',
    'existing unseal keys shares. See "vault operator rekey" for more information.',
  ].join('\n');
}

/** Registers the operator group. */
export function registerOperator(program: Command, run: Run): void {
  const op = program
    .command('operator')
    .description('init, unseal, seal and step down nodes; list HA members; rotate, rekey, generate a root token');
  registerInit(op, run);
  registerUnseal(op, run);
  op.command('seal')
    .description('seal the node (it forgets its keys)')
    .option('--address <addr>', ADDRESS_HELP)
    .action((o: { address?: string }) =>
      run(async () => {
        await withClient(o.address, (c) => c.call('PUT', 'sys/seal'));
        out('Success! Vault is sealed.');
        return 0;
      }),
    );
  registerMembers(op, run);
  registerKeyCommands(op, run);
  op.command('step-down')
    .description('make the active node give up leadership')
    .option('--address <addr>', ADDRESS_HELP)
    .action((o: { address?: string }) =>
      run(async () => {
        await withClient(o.address, (c) => c.call('PUT', 'sys/step-down'));
        out(`Success! Stepped down: ${resolveAddress(o.address)}`);
        return 0;
      }),
    );
}

function registerInit(op: Command, run: Run): void {
  op.command('init')
    .description('initialize storage: split a new unseal key into shares')
    .option('--key-shares <n>', 'number of key shares', '5')
    .option('--key-threshold <n>', 'shares needed to unseal', '3')
    .option('--format <format>', FORMAT_HELP)
    .option('--address <addr>', ADDRESS_HELP)
    .action((o: { keyShares: string; keyThreshold: string; format?: string; address?: string }) =>
      run(async () => {
        const format = parseFormat(o.format);
        const n = Number(o.keyShares);
        const t = Number(o.keyThreshold);
        if (!Number.isInteger(n) || !Number.isInteger(t)) throw new UsageError('-key-shares and -key-threshold must be integers');
        const r = (await withClient(o.address, (c) => c.call('PUT', 'sys/init', { secret_shares: n, secret_threshold: t }))).body;
        if (format !== 'table') {
          outData(
            {
              unseal_keys_b64: r.keys_base64,
              unseal_keys_hex: r.keys,
              unseal_shares: n,
              unseal_threshold: t,
              recovery_keys_b64: [],
              recovery_keys_hex: [],
              recovery_keys_shares: 0,
              recovery_keys_threshold: 0,
              root_token: r.root_token,
            },
            format,
          );
        } else out(initText(r.keys_base64, r.root_token, n, t));
        return 0;
      }),
    );
}

function registerUnseal(op: Command, run: Run): void {
  op.command('unseal')
    .description('give this node one unseal key share (prompted, hidden, when not given)')
    .argument('[key]', 'one unseal key share, or - for stdin')
    .option('--reset', 'discard the shares given so far')
    .option('--format <format>', FORMAT_HELP)
    .option('--address <addr>', ADDRESS_HELP)
    .action((key: string | undefined, o: { reset?: boolean; format?: string; address?: string }) =>
      run(async () => {
        const format = parseFormat(o.format);
        let body: Record<string, unknown>;
        if (o.reset) body = { reset: true };
        else {
          const k = key === '-' ? (await readStdin()).trim() : (key ?? (await readHidden('Unseal Key (will be hidden): ')));
          body = { key: k };
        }
        const s = (await withClient(o.address, (c) => c.call('PUT', 'sys/unseal', body))).body;
        if (format !== 'table') outData(s, format);
        else out(kvTable(statusRows(s, undefined)));
        return 0;
      }),
    );
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
