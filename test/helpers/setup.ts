import type { Test } from "uvu";

/**
 * Runs a suite's setup so that a failure fails every test. uvu 0.5 reports a throwing `before` hook as
 * a silent pass (its runner returns from `finally`), so the error is kept and rethrown by each test.
 */
export function setup<T>(suite: Test<T>, fn: (context: T) => unknown | Promise<unknown>): void {
  let failure: unknown;
  suite.before(async (context) => {
    try {
      await fn(context);
    } catch (error) {
      failure = error ?? new Error("setup failed");
    }
  });
  suite.before.each(() => {
    if (failure) throw failure;
  });
}
