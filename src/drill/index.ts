/**
 * Failover drills: the history and its checker, faults on a lab cluster, scenarios as
 * data, the virtual- and real-time runner, shrinking and reports. The CLI needs the
 * listings, runScenario, runRandomDrills and the scenario-file loader; the rest is for tests and tools.
 */
export {
  listScenarios,
  runRandomDrills,
  runScenario,
  scenarioSummaries,
  ScenarioModeError,
  ScenarioTopologyError,
  UnknownScenarioError,
  type DrillFailure,
  type RandomDrillsOptions,
  type RandomDrillsReport,
  type ScenarioOptions,
  type ScenarioReport,
} from './drills.ts';
export { checkHistory, lostWrites, type CheckId, type CheckOptions, type FinalKey, type FinalState, type Violation } from './checker.ts';
export { History, operations, type ClusterEvent, type Complete, type HistoryEvent, type Invoke, type Outcome } from './history.ts';
export { runDrill, type DrillMode, type DrillResult, type ProbeResult } from './drill-runner.ts';
export { FAULT_KINDS, RANDOM_FAULT_KINDS, randomSpec, type DrillSpec, type FaultKind, type FaultStep } from './drill-spec.ts';
export { compileScenario, defineScenario, specOf, type Expectation, type Scenario, type ScenarioStep } from './scenario.ts';
export { judgeScenario, type ExpectationResult } from './expectations.ts';
export { shrinkDrill, witness, type Shrunk } from './shrink.ts';
export { drillMarkdown, summary, timelineSvg, writeDrillReport, type ReportExtras } from './drill-report.ts';
export { isScenarioFile, loadScenarioFile, ScenarioFileError } from './scenario-file.ts';
export { checkScenario } from './scenario-check.ts';
export { drillStory } from './story.ts';
export { clientDowntimeMs, outageWindows } from './client-downtime.ts';
export { lesson, verdict } from './verdict.ts';
export { DrillFaults } from './faults.ts';
export { runProcessDrill, processDrillRefusal, type ProcessDrillResult } from './process/process-drill.ts';
export { runDurability, randomProcessSpec, type DurabilityFigures } from './process/durability-run.ts';
