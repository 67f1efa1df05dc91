/** The balancer behaviour suite against Debian's HAProxy, run from the config the lab writes (CI installs the package). */
import { describeBalancerBehaviour } from './balancer.suite.ts';

describeBalancerBehaviour('haproxy');
