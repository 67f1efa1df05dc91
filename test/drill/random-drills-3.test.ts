/** T1 and T2: seeded random failover drills in virtual time, part 3 of 4 (seeds 501–750). */
import { describe } from 'vitest';
import { randomDrills } from './random-drills.ts';

describe('random drills', () => randomDrills(501, 250));
