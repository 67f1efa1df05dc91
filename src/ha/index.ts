/** HA: leadership over an HABackend lock, the timings, and the forward-or-redirect decision. */
export {
  Leadership,
  type CampaignFailure,
  type GetReady,
  type LeaderInfo,
  type LeadershipEvent,
  type LeadershipFacts,
  type LeadershipOptions,
} from './leadership.ts';
export {
  CONSUL_TIMINGS,
  crashHoldMs,
  LAB_TIMINGS,
  lockRetryDelayMs,
  VAULT_TIMINGS,
  TIMING_PROFILES,
  withLockTtl,
  type Timings,
} from './timings.ts';
export {
  endToEndHeaders,
  redirectLocation,
  wantsRedirect,
  type Forwarder,
  type ForwardRequest,
  type ForwardResponse,
} from './forwarder.ts';
export { EchoBoard, livePeers, type Echo, type EchoChannel } from './echo-board.ts';
