/** T1 and T2: seeded random failover drills in virtual time, part 2 of 4 (seeds 251–500). */
import { describe } from 'vitest';
import { randomDrills } from './random-drills.ts';

describe('random drills', () => randomDrills(251, 250));
