/** T1 and T2: seeded random failover drills in virtual time, part 1 of 4 (seeds 1–250). */
import { describe } from 'vitest';
import { randomDrills } from './random-drills.ts';

describe('random drills', () => randomDrills(1, 250));
