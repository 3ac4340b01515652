// Prints the totals of every test suite that wrote a JSON report to test-results/ as one line: "N passed, N failed".
import { readdir, readFile } from 'node:fs/promises';

const dir = new URL('../test-results/', import.meta.url);
let passed = 0;
let failed = 0;
for (const name of (await readdir(dir).catch(() => [])).filter((f) => f.endsWith('.json'))) {
  const report = JSON.parse(await readFile(new URL(name, dir), 'utf8'));
  if (report.stats && 'expected' in report.stats) {
    // Playwright's JSON reporter
    passed += report.stats.expected + report.stats.flaky;
    failed += report.stats.unexpected;
  } else {
    // Jest's and Vitest's JSON reporters
    passed += report.numPassedTests ?? 0;
    failed += (report.numFailedTests ?? 0) + (report.numRuntimeErrorTestSuites ?? 0);
  }
}
console.log(`${passed} passed, ${failed} failed`);
