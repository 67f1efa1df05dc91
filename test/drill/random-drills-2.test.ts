/** T1: seeded random failover drills, part 2 of 4. */
import { describe } from 'vitest';
import { randomDrills } from './random-drills.ts';

describe('random drills', () => randomDrills(251, 250));
