/**
 * A dev node with one 512-byte secret for profiling the KV read path by hand:
 *   node --import tsx --cpu-prof --cpu-prof-dir=DIR bench/profile-server.ts PORT
 * then load it from another process (autocannon -c10 -H X-Vault-Token=root
 * http://127.0.0.1:PORT/v1/secret/data/k); it exits after PROFILE_SECONDS (default 12)
 * so the profile is written.
 */
import { startDevServer } from '../src/lab/single-server.ts';

const port = Number(process.argv[2] ?? 8290);
const dev = await startDevServer({ rootTokenId: 'root', listenAddress: `127.0.0.1:${port}` });
await dev.node.handle({ operation: 'update', path: 'secret/data/k', data: { data: { value: 'x'.repeat(480) } }, token: 'root' });
process.stdout.write(`ready ${dev.apiAddr}\n`);
setTimeout(() => void dev.close().then(() => process.exit(0)), Number(process.env.PROFILE_SECONDS ?? 12) * 1000);
