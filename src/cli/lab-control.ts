/**
 * The CLI's side of the lab's control endpoint: it finds the running lab and its secret in
 * the lab home, checks a verb's input against the lab's nodes before dialling (so a typo is
 * a local error, exit 1), and sends the verb as JSON with the secret. It enters the lab room
 * by its light door only: reaching a lab must not load one.
 */
import { join } from 'node:path';
import { Agent } from 'node:http';
import { CONTROL_SECRET_FILE, ControlError, LAB_FILE, pidAlive, readControlSecret, readLabFile, type LabFile } from '../lab/client-door.ts';
import { labHome } from './client.ts';
import { exchange } from './http-exchange.ts';
import { UsageError } from './output.ts';

/** The running lab's file, or a usage error that says how to start one. */
export function runningLab(): LabFile {
  const lab = readLabFile(labHome());
  if (!lab) throw new UsageError(`no lab is running here (${join(labHome(), LAB_FILE)} not found): run "vaultlab up"`);
  return lab;
}

/** The names of a lab's nodes (node1, node2, ...). */
export function labNodeNames(lab: LabFile): string[] {
  return lab.nodes.map((n) => n.name);
}

/** Runs a control-input check locally: its refusal becomes a usage error (exit 1). */
export function checkLocally<T>(check: () => T): T {
  try {
    return check();
  } catch (e) {
    if (e instanceof ControlError) throw new UsageError(e.message);
    throw e;
  }
}

/** Why a lab does not answer: its process is gone (stale files: `down` removes them), or it is up but silent. */
function silentLab(lab: LabFile): UsageError {
  if (!pidAlive(lab.pid))
    return new UsageError(`the lab (pid ${lab.pid}) is not running: "vaultlab down" removes its stale files, then "vaultlab up"`);
  return new UsageError(`the lab at ${lab.control} (pid ${lab.pid}) does not answer: is it still up? run "vaultlab up"`);
}

/** Calls the running lab's control endpoint (`lab`: its file, when the caller has read it already); POSTs send `body` as JSON. */
export async function control(
  method: 'GET' | 'POST',
  action: string,
  body: Record<string, unknown> = {},
  lab: LabFile = runningLab(),
): Promise<any> {
  const secret = readControlSecret(labHome());
  if (!secret)
    throw new UsageError(
      `the lab's control secret (${join(labHome(), CONTROL_SECRET_FILE)}) is missing: is the lab still up? run "vaultlab up"`,
    );
  const headers: Record<string, string> = { authorization: `Bearer ${secret}` };
  if (method === 'POST') headers['content-type'] = 'application/json';
  const agent = new Agent();
  let res;
  try {
    res = await exchange(
      new URL(`${lab.control}/${action}`),
      { method, headers, agent },
      method === 'POST' ? JSON.stringify(body) : undefined,
    );
  } catch {
    throw silentLab(lab);
  } finally {
    agent.destroy();
  }
  let answer: { ok?: boolean; result?: unknown; errors?: string[] };
  try {
    answer = JSON.parse(res.text);
  } catch {
    throw new UsageError(`the lab at ${lab.control} answered ${res.status} with a body that is not JSON`);
  }
  if (res.status >= 400) throw new UsageError(answer.errors?.join('; ') ?? `lab answered ${res.status}`);
  return answer.result;
}
