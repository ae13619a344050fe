// Fault injection shared by the stand-ins: a registry of faults (each with a count of requests
// it still applies to, or none for "until removed"), and the transport faults' mechanics —
// waiting (slow), never answering until the client gives up (timeout), a truncated body
// (malformed). Each stand-in keeps its own fault spec (its control API's wire format) and renders
// 429/500 in its provider's error shape.
import { z } from "zod";
import { parse } from "./control.ts";
import { globToRegExp } from "./glob.ts";

/** The transport faults' control-API spec, which a stand-in extends with its own fields. */
export const TransportFaultSpec = z.object({
  kind: z.enum(["429", "500", "slow", "timeout", "malformed"]),
  /** Glob on the request path (`*` matches anything, `/` included); every API path when omitted. */
  path: z.string().optional(),
  method: z.string().toUpperCase().optional(),
  /** How many requests it applies to; until removed when omitted. */
  count: z.number().int().positive().optional(),
  /** `slow`: milliseconds to wait before answering normally. */
  delay_ms: z.number().int().min(0).default(2000),
  /** Only requests whose body contains this text (a test's own call, not whichever comes first). */
  match: z.string().min(1).optional(),
});

export interface FaultState {
  id: string;
  /** Requests it still applies to; null (or Infinity) = until removed. */
  remaining: number | null;
  hits: number;
}

/**
 * Faults by id, in the order added. `build` turns a control-API spec into a fault and how many
 * requests it applies to (null or Infinity: until removed); `applies` says whether it applies to
 * a request.
 */
export class FaultRegistry<F extends FaultState, In = unknown> {
  #faults: F[] = [];
  #next = 1;

  constructor(
    private readonly build: (
      spec: In,
    ) => { fault: Omit<F, keyof FaultState>; remaining: number | null },
    private readonly applies: (fault: F, method: string, path: string) => boolean,
  ) {}

  add(spec: In): F {
    const { fault: f, remaining } = this.build(spec);
    const fault = { ...f, id: `fault_${this.#next++}`, remaining, hits: 0 } as F;
    this.#faults.push(fault);
    return { ...fault };
  }

  list(): F[] {
    return this.#faults.map((f) => ({ ...f }));
  }

  remove(id: string): boolean {
    const before = this.#faults.length;
    this.#faults = this.#faults.filter((f) => f.id !== id);
    return this.#faults.length < before;
  }

  clear(): void {
    this.#faults = [];
  }

  /**
   * The first fault that applies to this request, using up one of its count. A fault with a
   * `match` applies only when the request's `body` contains it.
   */
  take(method: string, path: string, body = ""): F | undefined {
    const fault = this.#faults.find((f) =>
      (f.remaining === null || f.remaining > 0) && this.applies(f, method, path) &&
      bodyMatches(f as { match?: unknown }, body)
    );
    if (!fault) return undefined;
    fault.hits++;
    if (fault.remaining !== null && --fault.remaining <= 0) this.remove(fault.id);
    return { ...fault };
  }
}

/** Whether a fault's optional `match` text is in the request body. */
export const bodyMatches = (f: { match?: unknown }, body: string) =>
  typeof f.match !== "string" || body.includes(f.match);

/** Whether a fault with optional `method` and `path` glob applies to a request. */
export const matches = (
  f: { method?: string; path?: string },
  method: string,
  path: string,
  otherwise: (path: string) => boolean = () => true,
) =>
  (!f.method || f.method === method) &&
  (f.path ? globToRegExp(f.path).test(path) : otherwise(path));

/**
 * The registry most stand-ins keep: faults given in their control API's `spec` (parsed, 400 on
 * bad input), each for `count` requests or until removed, on a method and a path glob; a fault
 * without a path applies where `apiPath` says (every path by default).
 */
export class SpecFaults<
  S extends z.ZodType<{ count?: number; method?: string; path?: string }>,
  In = z.input<S>,
> extends FaultRegistry<FaultState & z.output<S>, In> {
  constructor(spec: S, apiPath?: (path: string) => boolean) {
    super((input) => {
      const fault: z.output<S> = parse(spec, input);
      return {
        fault: fault as Omit<FaultState & z.output<S>, keyof FaultState>,
        remaining: fault.count ?? null,
      };
    }, (f, method, path) => matches(f, method, path, apiPath));
  }
}

/** Requests held open by `timeout` faults: answered 504 when the client aborts or on close. */
export class Hangs {
  #open = new Set<() => void>();

  hang(req: Request): Promise<Response> {
    return new Promise((resolve) => {
      const release = () => {
        this.#open.delete(release);
        req.signal.removeEventListener("abort", release);
        resolve(new Response(null, { status: 504 }));
      };
      this.#open.add(release);
      req.signal.addEventListener("abort", release, { once: true });
    });
  }

  releaseAll(): void {
    for (const release of [...this.#open]) release();
  }
}

/** Waits `ms`, or less when one of `signals` aborts. */
export function sleep(ms: number, signals: AbortSignal[] = []): Promise<void> {
  return new Promise((resolve) => {
    if (signals.some((s) => s.aborted)) return resolve();
    const done = () => {
      clearTimeout(timer);
      for (const s of signals) s.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    for (const s of signals) s.addEventListener("abort", done, { once: true });
  });
}

/** A `malformed` fault: the same status and headers, a body cut short. */
export const truncated = (res: Response, body: string) =>
  new Response(body, { status: res.status, headers: res.headers });
