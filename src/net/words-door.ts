/**
 * The network room's light door: the words the CLI checks before it reaches a lab (Go
 * durations, link fault words), without loading the cluster channel or the API behind it.
 * Only files that import nothing heavy may be re-exported here; test/architecture checks it.
 */
export { formatMs, parseGoDuration } from './go-duration.ts';
export { LinkFaultError, parseBandwidth, parseLinkFaults, type LinkFaults } from './link-settings.ts';
