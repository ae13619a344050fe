// Runs a hook once inside a real QueryClientProvider with React's server
// renderer (node environment, no DOM): what it returns — a query's state read
// from the cache, or a mutation whose mutateAsync then runs for real.
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { createElement } from "react";
import { renderToString } from "react-dom/server";

export function runHook<T>(hook: () => T, qc: QueryClient = new QueryClient()): T {
  let result: T | undefined;
  function Probe() {
    result = hook();
    return null;
  }
  renderToString(createElement(QueryClientProvider, { client: qc }, createElement(Probe)));
  return result as T;
}

/** A client holding a (stale-free) entry for each key, to see which ones a mutation invalidates. */
export function clientWith(keys: readonly (readonly unknown[])[]): QueryClient {
  const qc = new QueryClient();
  for (const k of keys) qc.setQueryData(k, "cached");
  return qc;
}

/** The keys of `keys` whose entries are now invalidated. */
export const invalidated = (qc: QueryClient, keys: readonly (readonly unknown[])[]) =>
  keys.filter((k) => qc.getQueryState(k)?.isInvalidated);
