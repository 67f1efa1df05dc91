/** The load balancer in front of a lab: the built-in one and HAProxy, with one behaviour. */
export type { Balancer, BalancerServerView } from './balancer.ts';
export { BuiltinBalancer, type BuiltinBalancerOptions } from './builtin-balancer.ts';
export {
  balancerCheck,
  CONNECT_RETRIES,
  DEFAULT_CHECK,
  describeCheck,
  healthPath,
  RETRY_TURNAROUND_MS,
  type BalancerCheck,
  type BalancerKind,
  type BalancerMode,
} from './check-settings.ts';
export { HAPROXY_CONFIG_FILE, HAPROXY_INSTALL, haproxyBinary, HaproxyBalancer, type HaproxyBalancerOptions } from './haproxy-balancer.ts';
export { haproxyConfig } from './haproxy-config.ts';
export { HealthPoller, type BalancedServer, type HealthChange, type Probe } from './health-poller.ts';
export { httpProbe } from './http-probe.ts';
export { ServerHealth, type CheckResult, type HealthView } from './server-health.ts';
