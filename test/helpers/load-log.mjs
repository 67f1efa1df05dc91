// Preloaded with `node --import`: logs every module URL the process resolves to the file
// named by VAULTLAB_LOAD_LOG, so a test can tell which packages a CLI command loads.
import { register } from 'node:module';

register('./load-log-hooks.mjs', import.meta.url);
