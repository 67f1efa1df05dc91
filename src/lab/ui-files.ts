/**
 * The dashboard's static files (src/ui), served by the control plane under /ui/. They are read
 * once, at start, into a fixed table: a request names a file of that table or gets 404, so no
 * path a request spells can reach outside the folder. They hold nothing secret (the page takes
 * the lab's secret from its own address's fragment, which a browser never sends), yet they are
 * served only to a loopback Host, as every control request is.
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkHost } from './control-auth.ts';
import { ControlError } from './control-errors.ts';

/** Where the dashboard's files are: src/ui beside src/lab (the build copies the folder to dist). */
const UI_DIR = fileURLToPath(new URL('../ui/', import.meta.url));

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

/**
 * The page may load only its own files and talk only to its own origin; no frame may hold it,
 * so another page cannot dress its buttons up as something else.
 */
const SECURITY_HEADERS = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

/** One servable file. */
export interface UiFile {
  body: Buffer;
  headers: Record<string, string>;
}

/** Reads the dashboard's files into a table by name (index.html, dashboard.js, ...). */
export function loadUiFiles(dir = UI_DIR): ReadonlyMap<string, UiFile> {
  const files = new Map<string, UiFile>();
  for (const name of readdirSync(dir)) {
    const type = TYPES[extname(name)];
    if (!type) continue;
    files.set(name, { body: readFileSync(`${dir}/${name}`), headers: { 'content-type': type, ...SECURITY_HEADERS } });
  }
  return files;
}

/** The file a request path names: `/ui/` is index.html; anything not in the table is undefined. */
export function uiFileFor(files: ReadonlyMap<string, UiFile>, pathname: string): UiFile | undefined {
  if (!pathname.startsWith('/ui/')) return undefined;
  const name = pathname.slice('/ui/'.length) || 'index.html';
  return files.get(name);
}

/** Whether a request is for the dashboard's page or files (`/`, `/ui`, `/ui/...`), which need no secret. */
export function isUiRequest(method: string | undefined, path: string): boolean {
  return method === 'GET' && (path === '/' || path === '/ui' || path.startsWith('/ui/'));
}

/** The dashboard's page and files: to a loopback Host only, no secret needed (they hold none). */
export function serveUi(ui: ReadonlyMap<string, UiFile>, port: number, path: string, req: IncomingMessage, res: ServerResponse): void {
  checkHost(req.headers, port);
  if (path === '/' || path === '/ui') {
    res.writeHead(303, { location: '/ui/', 'cache-control': 'no-store' });
    res.end();
    return;
  }
  const file = uiFileFor(ui, path);
  if (!file) throw new ControlError('CONTROL_NO_ROUTE', `no dashboard file ${JSON.stringify(path)}`);
  res.writeHead(200, file.headers);
  res.end(file.body);
}
