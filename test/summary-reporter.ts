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
      const tests = [...m.children.allTests()];
      // A file that failed outside any test (a hook, an import) counts as one failure.
      if (m.state() === 'failed' && !tests.some((t) => t.result().state === 'failed')) failed++;
      for (const t of tests) {
        const state = t.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else skipped++;
      }
    }
    process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
