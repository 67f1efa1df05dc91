/**
 * Who may drive a lab. The control endpoint listens on loopback, but loopback is not a
 * boundary: any web page the lab's user opens can POST to 127.0.0.1, and a DNS-rebinding
 * page can even read answers. So every request must carry the lab's secret (random, in a
 * 0600 file next to the lab's keys, readable only by the user who ran `vaultlab up`),
 * name a loopback host on the control port, and come from no foreign Origin.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { join } from 'node:path';
import { ControlError } from './control-errors.ts';

/** The file under the lab home that holds the control secret. */
export const CONTROL_SECRET_FILE = 'control.secret';

/** The hosts a request may name: the loopback ones a browser or the CLI would use. */
const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '[::1]'];

/** The path of a lab's control secret. */
export function controlSecretPath(home: string): string {
  return join(home, CONTROL_SECRET_FILE);
}

/**
 * Makes a fresh secret (256 bits from the CSPRNG) and writes it to a new 0600 file: the
 * old file is removed first and the new one created exclusively, so the secret is never
 * in a file whose mode came from somewhere else.
 */
export function createControlSecret(home: string): string {
  const secret = randomBytes(32).toString('base64url');
  const file = controlSecretPath(home);
  rmSync(file, { force: true });
  writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  return secret;
}

/** The running lab's control secret, if its file exists. */
export function readControlSecret(home: string): string | undefined {
  const file = controlSecretPath(home);
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
}

/**
 * The dashboard's address with the secret in its fragment: a browser never sends a fragment
 * to the server, so the secret stays out of request lines, logs and Referer headers; the page
 * reads it and then drops it from the address bar.
 */
export function dashboardUrl(control: string, secret: string): string {
  return `${control}/ui/#secret=${encodeURIComponent(secret)}`;
}

/** Removes the secret once the lab is down, so a stale one cannot be mistaken for a live lab's. */
export function removeControlSecret(home: string): void {
  rmSync(controlSecretPath(home), { force: true });
}

/** Compares two secrets in constant time (hashing first hides the length too). */
export function secretMatches(given: string, expected: string): boolean {
  const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * Refuses a request (throws ControlError) unless its Host is a loopback name on `port` and its
 * Origin, if any, is that same host's. The dashboard's static files need only this: they hold
 * no secret, but a DNS-rebinding page must not be able to read them under its own name.
 */
export function checkHost(headers: IncomingHttpHeaders, port: number): void {
  const host = (headers.host ?? '').toLowerCase();
  if (!LOOPBACK_HOSTS.some((h) => host === `${h}:${port}`)) {
    throw new ControlError(
      'CONTROL_FORBIDDEN',
      `the lab's control endpoint answers only to a loopback host on port ${port}, not ${JSON.stringify(headers.host ?? '')}`,
    );
  }
  const origin = headers.origin;
  if (origin !== undefined && origin.toLowerCase() !== `http://${host}`) {
    throw new ControlError(
      'CONTROL_FORBIDDEN',
      `requests from origin ${JSON.stringify(origin)} are refused: the lab's control endpoint takes no cross-origin requests`,
    );
  }
}

/**
 * Refuses a request (throws ControlError) unless it passes `checkHost` and carries
 * `Authorization: Bearer <secret>`. Host and Origin come first: a foreign page learns
 * nothing, not even whether it guessed.
 */
export function checkCaller(headers: IncomingHttpHeaders, port: number, secret: string): void {
  checkHost(headers, port);
  const match = /^Bearer ([^\s]+)$/i.exec(headers.authorization ?? '');
  if (!match || !secretMatches(match[1], secret)) {
    throw new ControlError(
      'CONTROL_UNAUTHENTICATED',
      'missing or wrong control secret: send "Authorization: Bearer <secret>" with the secret from the lab home\'s control.secret',
    );
  }
}
