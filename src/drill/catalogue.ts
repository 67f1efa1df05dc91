/**
 * The shipped scenarios live in scenarios/ at the repository root (data beside the code,
 * and they import src/drill, not the other way round), so the room loads the catalogue
 * by path at run time instead of importing it.
 */
import { fileURLToPath } from 'node:url';
import type { Scenario } from './scenario.ts';

/** `.ts` when run from the sources, `.js` from the build in dist/, where scenarios/ is compiled beside src/. */
const OWN_EXTENSION = import.meta.url.slice(import.meta.url.lastIndexOf('.'));

let loaded: Promise<Scenario[]> | undefined;

/** Every shipped scenario, in catalogue order. */
export function loadCatalogue(): Promise<Scenario[]> {
  loaded ??= import(fileURLToPath(new URL(`../../scenarios/index${OWN_EXTENSION}`, import.meta.url))).then(
    (m: { SCENARIOS: Scenario[] }) => m.SCENARIOS,
  );
  return loaded;
}
