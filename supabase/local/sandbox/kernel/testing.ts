// Helpers for the stand-ins' own tests: run a test against a fresh stand-in, call its control
// API under /_sandbox, and catch the error an SDK call must throw.

/** Starts a stand-in, runs `fn` with it and closes it, whatever `fn` does. */
export async function withServer<S extends { close(): Promise<void> }>(
  start: () => S | Promise<S>,
  fn: (s: S) => Promise<void>,
): Promise<void> {
  const s = await start();
  try {
    await fn(s);
  } finally {
    await s.close();
  }
}

/** `METHOD <url>/_sandbox<path>` with an optional JSON body; the status and the parsed body. */
export async function sandboxCall(
  url: string,
  method: string,
  path: string,
  body?: unknown,
  // deno-lint-ignore no-explicit-any
): Promise<{ status: number; body: any }> {
  const res = await fetch(`${url}/_sandbox${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** The error `p` rejects with; fails the test when it resolves. */
export async function rejection(p: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await p;
  } catch (e) {
    return e as Error & Record<string, unknown>;
  }
  throw new Error("expected the promise to reject");
}
