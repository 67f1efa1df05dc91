/** T1 and T2: seeded random failover drills in virtual time, part 4 of 4 (seeds 751–1000). */
import { describe } from 'vitest';
import { randomDrills } from './random-drills.ts';

describe('random drills', () => randomDrills(751, 250));
