/** T1: seeded random failover drills, part 4 of 4. */
import { describe } from 'vitest';
import { randomDrills } from './random-drills.ts';

describe('random drills', () => randomDrills(751, 250));
