/** ACL policies: parsing (HCL or JSON), compiling and evaluating, the built-ins and the sudo paths. Pure: no storage, no HTTP. */
export { CAPABILITIES, parsePolicy, PolicyParseError, type Capability, type PathRule, type Policy } from './policy.ts';
export { Acl, compileAcl, outranks, type Decision } from './acl.ts';
export { authorize, DEFAULT_POLICY_TEXT, isRootProtected, normalizePolicyName } from './builtins.ts';
