/**
 * Prints one plain closing line, "N passed, N failed, N skipped", after vitest's own
 * summary, so tools that read a run's last lines (CI harnesses) can count the tests.
 */
import type { Reporter, TestModule } from 'vitest/node';

/** A reporter that only adds the closing line. */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const m of modules) {
      if (m.state() === 'failed' && [...m.children.allTests()].length === 0) failed++;
      for (const t of m.children.allTests()) {
        const state = t.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else skipped++;
      }
    }
    process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
