/**
 * The export file: its shape and the check `import` runs on the whole file before it writes
 * anything. Checks stop at the first problem and name it, paths in the file's order.
 */

/** The format version this vaultlab writes and reads. */
export const EXPORT_FORMAT_VERSION = 1;

/** A mount as the file records it. */
export interface ExportMount {
  type: 'kv';
  version: '1' | '2';
}

/** A whole export file. */
export interface ExportFile {
  vaultlab_export: typeof EXPORT_FORMAT_VERSION;
  mounts: Record<string, ExportMount>;
  secrets: Record<string, Record<string, unknown>>;
}

/** The file is not one `import` can write: the message names the first problem. */
export class ExportFileError extends Error {}

const FIELDS = ['vaultlab_export', 'mounts', 'secrets'];

/** A plain JSON object (not null, not an array). */
function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** What a JSON value is, for a message: "an array", "a string", "null". */
function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

/** The file's mount that holds a secret path: the longest mount path it starts with. */
export function mountOf(mounts: Record<string, unknown>, path: string): string | undefined {
  return Object.keys(mounts)
    .filter((m) => path.startsWith(m))
    .sort((a, b) => b.length - a.length)[0];
}

function checkMounts(mounts: unknown): asserts mounts is Record<string, ExportMount> {
  if (mounts === undefined) throw new ExportFileError('the file has no "mounts"');
  if (!isObject(mounts)) throw new ExportFileError(`"mounts" must be an object, not ${kindOf(mounts)}`);
  for (const [path, m] of Object.entries(mounts)) {
    if (!path.endsWith('/') || path === '/') throw new ExportFileError(`mount ${JSON.stringify(path)} must be a mount path ending in "/"`);
    if (!isObject(m) || m.type !== 'kv' || (m.version !== '1' && m.version !== '2'))
      throw new ExportFileError(`mount ${JSON.stringify(path)} must be {"type": "kv", "version": "1" or "2"}`);
  }
}

function checkSecrets(secrets: unknown, mounts: Record<string, ExportMount>): asserts secrets is ExportFile['secrets'] {
  if (secrets === undefined) throw new ExportFileError('the file has no "secrets"');
  if (!isObject(secrets)) throw new ExportFileError(`"secrets" must be an object, not ${kindOf(secrets)}`);
  for (const [path, data] of Object.entries(secrets)) {
    const name = JSON.stringify(path);
    if (!mountOf(mounts, path)) throw new ExportFileError(`secret ${name} is not inside any mount the file lists`);
    if (path.endsWith('/') || mountOf(mounts, path) === path) throw new ExportFileError(`secret ${name} names a folder, not a secret`);
    if (!isObject(data)) throw new ExportFileError(`secret ${name} must be an object of fields, not ${kindOf(data)}`);
  }
}

/** Parses and checks an export file's text; throws ExportFileError naming the first problem. */
export function parseExportFile(text: string): ExportFile {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new ExportFileError(`the file is not valid JSON: ${(e as Error).message}`);
  }
  if (!isObject(doc) || !('vaultlab_export' in doc))
    throw new ExportFileError('the file is not a vaultlab export: it has no "vaultlab_export" version');
  if (doc.vaultlab_export !== EXPORT_FORMAT_VERSION)
    throw new ExportFileError(
      `unsupported export format version ${JSON.stringify(doc.vaultlab_export)} (this vaultlab reads version ${EXPORT_FORMAT_VERSION})`,
    );
  const unknown = Object.keys(doc).find((k) => !FIELDS.includes(k));
  if (unknown !== undefined) throw new ExportFileError(`unknown field ${JSON.stringify(unknown)} at the top level`);
  checkMounts(doc.mounts);
  checkSecrets(doc.secrets, doc.mounts);
  return doc as unknown as ExportFile;
}
