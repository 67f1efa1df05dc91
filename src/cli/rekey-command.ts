/** `vaultlab operator rekey`, printing what `vault operator rekey` prints (command/operator_rekey.go). */
import type { Command } from 'commander';
import { withClient, type VaultClient } from './client.ts';
import { ADDRESS_HELP, FORMAT_HELP } from './help-texts.ts';
import { keyValueTable, readStdin, step, wrapAtLength } from './key-output.ts';
import { err, out, outData, parseFormat, UsageError, warn, type Format, type Run } from './output.ts';
import { readHidden } from './prompt.ts';

interface RekeyOptions {
  init?: boolean;
  cancel?: boolean;
  status?: boolean;
  verify?: boolean;
  keyShares: string;
  keyThreshold: string;
  nonce?: string;
  format?: string;
  address?: string;
}

/** Registers `operator rekey`. */
export function registerRekey(op: Command, run: Run): void {
  op.command('rekey')
    .description('make new unseal key shares from a threshold of the current ones')
    .argument('[key]', 'one unseal key share, or - for stdin (prompted, hidden, when not given)')
    .option('--init', 'start a rekey')
    .option('--cancel', 'cancel the rekey in progress (with -verify: start the verification over)')
    .option('--status', 'print the rekey in progress')
    .option('--verify', 'give back new key shares to verify them (a rekey started with -verify)')
    .option('--key-shares <n>', 'number of new key shares', '5')
    .option('--key-threshold <n>', 'new shares needed to unseal', '3')
    .option('--nonce <nonce>', 'the nonce of the rekey, with each key share')
    .option('--format <format>', FORMAT_HELP)
    .option('--address <addr>', ADDRESS_HELP)
    .action((key: string | undefined, o: RekeyOptions) =>
      run(async () => {
        const format = parseFormat(o.format);
        return withClient(o.address, async (c) => {
          const base = o.verify ? 'sys/rekey/verify' : 'sys/rekey/init';
          if (o.cancel) {
            await step('Error canceling rekey', c.call('DELETE', base));
            out(o.verify ? 'Success! Restarted rekey verification' : 'Success! Canceled rekeying (if it was started)');
            return 0;
          }
          if (o.init) {
            const n = Number(o.keyShares);
            const t = Number(o.keyThreshold);
            if (!Number.isInteger(n) || !Number.isInteger(t)) throw new UsageError('-key-shares and -key-threshold must be integers');
            const body = { secret_shares: n, secret_threshold: t, require_verification: o.verify === true };
            const s = await step('Error initializing rekey', c.call('PUT', 'sys/rekey/init', body));
            return printStatus(s.body, false, format);
          }
          const s = (await step('Error reading rekey status', c.call('GET', base))).body;
          if (o.status) return printStatus(s, o.verify === true, format);
          return provide(c, s, key, o, format);
        });
      }),
    );
}

async function provide(c: VaultClient, status: any, key: string | undefined, o: RekeyOptions, format: Format): Promise<number> {
  if (!status.started) {
    err(wrapAtLength('No rekey is in progress. Start a rekey process by running "vault operator rekey -init".'));
    return 1;
  }
  let nonce = o.nonce ?? '';
  let share = key ?? '';
  if (share === '-') share = await readStdin();
  else if (share === '') {
    nonce = status.nonce;
    process.stderr.write(`Rekey operation nonce: ${nonce}\n`);
    share = await readHidden('Unseal Key (will be hidden): ');
  }
  if (!nonce) return (err('Missing nonce value: specify it via the -nonce flag'), 1);
  const url = o.verify ? 'sys/rekey/verify' : 'sys/rekey/update';
  const r = (await step('Error posting unseal key', c.call('PUT', url, { key: share.trim(), nonce }))).body;
  if (!r.complete)
    return printStatus(
      (await step('Error reading rekey status', c.call('GET', o.verify ? 'sys/rekey/verify' : 'sys/rekey/init'))).body,
      o.verify === true,
      format,
    );
  if (o.verify) {
    out(wrapAtLength('Rekey verification successful. The rekey operation is complete and the new keys are now active.'));
    return 0;
  }
  return printKeys(c, status, r, format);
}

async function printKeys(c: VaultClient, status: any, r: any, format: Format): Promise<number> {
  if (format !== 'table') return (outData(r, format), 0);
  const lines = ['', ...(r.keys_base64 as string[]).map((k, i) => `Key ${i + 1}: ${k}`)];
  if (r.nonce) lines.push('', `Operation nonce: ${r.nonce}`);
  lines.push('');
  const { n, t } = status;
  if (!r.verification_required) {
    lines.push(
      wrapAtLength(
        `Vault unseal keys rekeyed with ${n} key shares and a key threshold of ${t}. Please securely distribute the key shares printed above. When Vault is re-sealed, restarted, or stopped, you must supply at least ${t} of these keys to unseal it before it can start servicing requests.`,
      ),
    );
    out(lines.join('\n'));
    return 0;
  }
  lines.push(
    wrapAtLength(
      `Vault has created a new unseal key, split into ${n} key shares and a key threshold of ${t}. These will not be active until after verification is complete. Please securely distribute the key shares printed above. When Vault is re-sealed, restarted, or stopped, you must supply at least ${t} of these keys to unseal it before it can start servicing requests.`,
    ),
  );
  out(lines.join('\n'));
  out('');
  warn(
    wrapAtLength(
      'Again, these key shares are _not_ valid until verification is performed. Do not lose or discard your current key shares until after verification is complete or you will be unable to unseal Vault. If you cancel the rekey process or seal Vault before verification is complete the new shares will be discarded and the current shares will remain valid.',
    ),
  );
  out('');
  warn(wrapAtLength('The current verification status, including initial nonce, is shown below.'));
  out('');
  return printStatus((await step('Error reading rekey status', c.call('GET', 'sys/rekey/verify'))).body, true, format);
}

function printStatus(s: any, verification: boolean, format: Format): number {
  if (format !== 'table') return (outData(s, format), 0);
  const rows: Array<[string, unknown]> = [];
  if (verification) {
    rows.push(['Started', s.started], ['New Shares', s.n], ['New Threshold', s.t], ['Verification Nonce', s.nonce]);
    rows.push(['Verification Progress', `${s.progress}/${s.t}`]);
  } else {
    rows.push(['Nonce', s.nonce], ['Started', s.started]);
    if (s.started) {
      const progress = `${s.progress}/${s.required}`;
      rows.push(['Rekey Progress', s.progress === s.required ? `${progress} (verification in progress)` : progress]);
      rows.push(['New Shares', s.n], ['New Threshold', s.t], ['Verification Required', s.verification_required]);
      if (s.verification_nonce) rows.push(['Verification Nonce', s.verification_nonce]);
    }
  }
  out(keyValueTable(rows));
  return 0;
}
