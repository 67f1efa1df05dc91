/** The balancer behaviour suite against the lab's built-in balancer. */
import { describeBalancerBehaviour } from './balancer.suite.ts';

describeBalancerBehaviour('builtin');
