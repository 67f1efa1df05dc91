import type { LabTrouble } from '../lab/client-door.ts';

/**
 * The lines `status --all` prints under its table when storage or leadership is in trouble:
 * failing writes (a full disk, in the database's words), start-up warnings (a torn log), and
 * for each standby that keeps failing to become active, why.
 */
export function troubleLines(t: LabTrouble): string[] {
  const lines: string[] = [];
  if (t.storageFailure)
    lines.push(`Storage: since ${new Date(t.storageFailure.since).toISOString()}, writes failing: ${t.storageFailure.message}`);
  for (const w of t.storageWarnings) lines.push(`Storage warning: ${w}`);
  for (const c of t.campaigns) lines.push(`${c.node} is not becoming active: ${c.reason}`);
  return lines;
}
