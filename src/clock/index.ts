/** Time: the Clock interface, the wall clock and the virtual clock. A leaf: imports nothing of ours. */
export { RealClock, sleepOn, type Clock, type TimerHandle } from './clock.ts';
export { SimClock, settle } from './sim-clock.ts';
