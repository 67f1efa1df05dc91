/** T1: seeded random failover drills, part 1 of 4. */
import { describe } from 'vitest';
import { randomDrills } from './random-drills.ts';

describe('random drills', () => randomDrills(1, 250));
