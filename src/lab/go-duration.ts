/** Go durations live with the lab's network (link faults are written in them); the lab's flags read them through here. */
export { formatMs, parseGoDuration } from '../net/words-door.ts';
