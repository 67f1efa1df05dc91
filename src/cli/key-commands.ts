/**
 * `vaultlab operator rotate|key-status|rekey|generate-root`, printing what `vault operator …`
 * prints (command/operator_rotate.go, operator_key_status.go, operator_rekey.go,
 * operator_generate_root.go). Rekey and generate-root need no token: shares are their proof.
 */
import type { Command } from 'commander';
import { withClient, type VaultClient } from './client.ts';
import { ADDRESS_HELP, FORMAT_HELP } from './help-texts.ts';
import { columnOutput, keyStatusText, readStdin, step, wrapAtLength } from './key-output.ts';
import { err, out, outData, outRaw, parseFormat, warn, type Format, type Run } from './output.ts';
import { readHidden } from './prompt.ts';
import { decodeRootToken } from './root-token-decode.ts';
import { registerRekey } from './rekey-command.ts';

/** Registers rotate, key-status, rekey and generate-root under `operator`. */
export function registerKeyCommands(op: Command, run: Run): void {
  op.command('rotate')
    .description('rotate the encryption key: a new keyring term for new writes')
    .option('--format <format>', FORMAT_HELP)
    .option('--address <addr>', ADDRESS_HELP)
    .action((o: { format?: string; address?: string }) =>
      run(async () => {
        const format = parseFormat(o.format);
        const ks = await withClient(o.address, async (c) => {
          await step('Error rotating key', c.call('PUT', 'sys/rotate'));
          return (await step('Error reading key status', c.call('GET', 'sys/key-status'))).body.data;
        });
        if (format !== 'table') outData(ks, format);
        else out(`Success! Rotated key\n\n${keyStatusText(ks)}`);
        return 0;
      }),
    );
  op.command('key-status')
    .description('the active encryption key term and when it was installed')
    .option('--format <format>', FORMAT_HELP)
    .option('--address <addr>', ADDRESS_HELP)
    .action((o: { format?: string; address?: string }) =>
      run(async () => {
        const format = parseFormat(o.format);
        const ks = (await withClient(o.address, (c) => step('Error reading key status', c.call('GET', 'sys/key-status')))).body.data;
        if (format !== 'table') outData(ks, format);
        else out(keyStatusText(ks));
        return 0;
      }),
    );
  registerRekey(op, run);
  registerGenerateRoot(op, run);
}

interface GenerateRootOptions {
  init?: boolean;
  cancel?: boolean;
  status?: boolean;
  otp?: string;
  decode?: string;
  nonce?: string;
  format?: string;
  address?: string;
}

function registerGenerateRoot(op: Command, run: Run): void {
  op.command('generate-root')
    .description('generate a new root token from a threshold of unseal key shares')
    .argument('[key]', 'one unseal key share, or - for stdin (prompted, hidden, when not given)')
    .option('--init', 'start a root token generation')
    .option('--cancel', 'cancel the generation in progress')
    .option('--status', 'print the generation in progress')
    .option('--otp <otp>', 'OTP to use with -init or -decode')
    .option('--decode <encoded>', 'decode an encoded root token with -otp')
    .option('--nonce <nonce>', 'the nonce of the generation, with each key share')
    .option('--format <format>', FORMAT_HELP)
    .option('--address <addr>', ADDRESS_HELP)
    .action((key: string | undefined, o: GenerateRootOptions) =>
      run(async () => {
        const format = parseFormat(o.format);
        if (o.decode !== undefined) return decode(o.decode, o.otp, format);
        return withClient(o.address, async (c) => {
          if (o.cancel) {
            await step('Error canceling root token generation', c.call('DELETE', 'sys/generate-root/attempt'));
            out('Success! Root token generation canceled (if it was started)');
            return 0;
          }
          if (o.init) {
            const s = await step('Error initializing root generation', c.call('PUT', 'sys/generate-root/attempt', { otp: o.otp ?? '' }));
            return printStatus(s.body, format);
          }
          const s = (await step('Error getting root generation status', c.call('GET', 'sys/generate-root/attempt'))).body;
          if (o.status) return printStatus(s, format);
          return provide(c, s, key, o.nonce, format);
        });
      }),
    );
}

function decode(encoded: string, otp: string | undefined, format: Format): number {
  if (!encoded) return (err('Missing encoded value: use -decode=<string> to supply it'), 1);
  if (!otp) return (err('Missing otp: use -otp to supply it'), 1);
  let token: string;
  try {
    token = decodeRootToken(encoded, otp);
  } catch (e) {
    return (err(`Error decoding root token: ${(e as Error).message}`), 1);
  }
  if (format === 'table') outRaw(token);
  else outData({ token }, format);
  return 0;
}

async function provide(
  c: VaultClient,
  status: any,
  key: string | undefined,
  nonceFlag: string | undefined,
  format: Format,
): Promise<number> {
  if (!status.started) {
    err(wrapAtLength('No root generation is in progress. Start a root generation by running "vault operator generate-root -init".'));
    warn(
      wrapAtLength(
        `If starting root generation using the OTP method and generating your own OTP, the length of the OTP string needs to be ${status.otp_length} characters in length.`,
      ),
    );
    return 1;
  }
  let nonce = nonceFlag ?? '';
  let share = key ?? '';
  if (share === '-') share = await readStdin();
  else if (share === '') {
    nonce = status.nonce;
    process.stderr.write(`Operation nonce: ${nonce}\n`);
    share = await readHidden('Unseal Key (will be hidden): ');
  }
  if (!nonce) return (err('Missing nonce value: specify it via the -nonce flag'), 1);
  const r = await step('Error posting unseal key', c.call('PUT', 'sys/generate-root/update', { key: share.trim(), nonce }));
  return printStatus(r.body, format);
}

function printStatus(s: any, format: Format): number {
  if (format !== 'table') return (outData(s, format), 0);
  const rows: Array<[string, unknown]> = [
    ['Nonce', s.nonce],
    ['Started', s.started],
    ['Progress', `${s.progress}/${s.required}`],
    ['Complete', s.complete],
  ];
  if (s.encoded_token) rows.push(['Encoded Token', s.encoded_token]);
  else if (s.encoded_root_token) rows.push(['Encoded Root Token', s.encoded_root_token]);
  if (s.otp) {
    warn(
      wrapAtLength(
        'A One-Time-Password has been generated for you and is shown in the OTP field. You will need this value to decode the resulting root token, so keep it safe.',
      ),
    );
    rows.push(['OTP', s.otp]);
  }
  if (s.otp_length) rows.push(['OTP Length', s.otp_length]);
  out(columnOutput(rows));
  return 0;
}
