/** HCL v1 (Vault's config and policy language). A leaf: imports nothing of ours. */
export { foldBlocks, HclParseError, parseHcl, parseHclRaw } from './hcl.ts';
