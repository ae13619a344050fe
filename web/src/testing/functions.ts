// The Edge Function boundary stood in for in screen tests: `lib/functions` as it
// is (FunctionError, the helpers), but `callFunction` a vi.fn() that each test
// scripts. Use it in a test file with
//   vi.mock("../../lib/functions", async (original) => (await import("../../testing/functions")).functionsModule(original));
//   const fn = vi.mocked(callFunction);
import { vi } from "vitest";
import type * as Functions from "../lib/functions";

export async function functionsModule(importOriginal: <T>() => Promise<T>) {
  return { ...(await importOriginal<typeof Functions>()), callFunction: vi.fn() };
}
