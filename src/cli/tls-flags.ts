/**
 * The vault CLI's TLS settings: -ca-cert, -ca-path, -client-cert, -client-key, -tls-server-name
 * and -tls-skip-verify, each defaulting to its environment variable (VAULT_CACERT, VAULT_CAPATH,
 * VAULT_CLIENT_CERT, VAULT_CLIENT_KEY, VAULT_TLS_SERVER_NAME, VAULT_SKIP_VERIFY), so a flag wins
 * over the environment. Every command that takes -address takes them. A CA file or directory
 * replaces the system's CAs, as the Go client's does. Only node:fs: the CLI loads this at start-up.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { parseGoBool } from './go-flags.ts';

/** The TLS flags as commander parsed them. */
export interface TlsFlags {
  caCert?: string;
  caPath?: string;
  clientCert?: string;
  clientKey?: string;
  tlsServerName?: string;
  tlsSkipVerify?: boolean;
}

/** What node:https needs of them. */
export interface TlsClientOptions {
  ca?: string[];
  cert?: string;
  key?: string;
  servername?: string;
  rejectUnauthorized: boolean;
}

const FLAGS: Array<[string, string]> = [
  ['--ca-cert <file>', 'a PEM file of the CA that signed the server certificate (default: VAULT_CACERT)'],
  ['--ca-path <dir>', 'a directory of PEM files of trusted CAs (default: VAULT_CAPATH)'],
  ['--client-cert <file>', 'a PEM client certificate for TLS authentication (default: VAULT_CLIENT_CERT)'],
  ['--client-key <file>', 'the PEM private key of -client-cert (default: VAULT_CLIENT_KEY)'],
  ['--tls-server-name <name>', 'the name to send as SNI and to verify the certificate against (default: VAULT_TLS_SERVER_NAME)'],
  ['--tls-skip-verify', 'do not verify the server certificate: insecure (default: VAULT_SKIP_VERIFY)'],
];

/** Adds the TLS flags to every command (at any depth) that takes -address: they go with it in the vault CLI. */
export function addTlsFlags(program: Command): void {
  for (const cmd of program.commands) {
    if (cmd.options.some((o) => o.long === '--address')) for (const [flags, help] of FLAGS) cmd.option(flags, help);
    addTlsFlags(cmd);
  }
}

let given: TlsFlags = {};

/** Keeps the flags of the command about to run, for the clients it makes. */
export function useTlsFlags(opts: TlsFlags): void {
  given = opts;
}

function skipVerify(): boolean {
  // -tls-skip-verify=false is false even where VAULT_SKIP_VERIFY says true: a flag wins over the environment.
  if (given.tlsSkipVerify !== undefined) return given.tlsSkipVerify;
  const env = process.env.VAULT_SKIP_VERIFY;
  if (!env) return false;
  const v = parseGoBool(env);
  if (v === undefined) throw new Error('could not parse VAULT_SKIP_VERIFY');
  return v;
}

function readPem(file: string, what: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`Error loading ${what}: ${(e as Error).message}`);
  }
}

/** Every certificate file in `dir` (the Go client loads each file there and fails on one it cannot parse). */
function caDirectory(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch (e) {
    throw new Error(`Error loading CA Path: ${(e as Error).message}`);
  }
  const files = names.map((n) => join(dir, n)).filter((f) => statSync(f).isFile());
  return files.map((f) => {
    const pem = readPem(f, 'file from CAPath');
    if (!pem.includes('-----BEGIN CERTIFICATE-----')) throw new Error(`Error loading file from CAPath: ${f} holds no PEM certificate`);
    return pem;
  });
}

/** The https client's TLS options from the flags and environment; a file that cannot be read is a local error (exit 1). */
export function tlsClientOptions(): TlsClientOptions {
  const env = process.env;
  const caCert = given.caCert ?? env.VAULT_CACERT;
  const caPath = given.caPath ?? env.VAULT_CAPATH;
  const clientCert = given.clientCert ?? env.VAULT_CLIENT_CERT;
  const clientKey = given.clientKey ?? env.VAULT_CLIENT_KEY;
  if (Boolean(clientCert) !== Boolean(clientKey)) throw new Error('Both client cert and client key must be provided');
  const ca = caCert ? [readPem(caCert, 'CA File')] : caPath ? caDirectory(caPath) : undefined;
  return {
    ca,
    cert: clientCert ? readPem(clientCert, 'client certificate') : undefined,
    key: clientKey ? readPem(clientKey, 'client key') : undefined,
    servername: given.tlsServerName ?? (env.VAULT_TLS_SERVER_NAME || undefined),
    rejectUnauthorized: !skipVerify(),
  };
}
