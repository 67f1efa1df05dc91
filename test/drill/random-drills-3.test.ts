/** T1: seeded random failover drills, part 3 of 4. */
import { describe } from 'vitest';
import { randomDrills } from './random-drills.ts';

describe('random drills', () => randomDrills(501, 250));
