// A circuit breaker per voice provider: `failureThreshold` failures in a row open it; while open
// the provider is skipped for `cooldownMs`; then one trial request is let through (half-open) —
// success closes it, failure opens it again. The clock is injected.

export type BreakerState = "closed" | "open" | "half_open";

export interface BreakerOptions {
  failureThreshold?: number;
  cooldownMs?: number;
  now?: () => number;
}

export class CircuitBreaker {
  #failures = 0;
  #openedAt: number | null = null;
  #trial = false;
  readonly failureThreshold: number;
  readonly cooldownMs: number;
  readonly #now: () => number;

  constructor(opts: BreakerOptions = {}) {
    this.failureThreshold = opts.failureThreshold ?? 3;
    this.cooldownMs = opts.cooldownMs ?? 30_000;
    this.#now = opts.now ?? Date.now;
  }

  get state(): BreakerState {
    if (this.#openedAt === null) return "closed";
    return this.#now() - this.#openedAt >= this.cooldownMs ? "half_open" : "open";
  }

  /** Whether a request may go to the provider now (half-open lets one trial through). */
  allow(): boolean {
    const s = this.state;
    if (s === "closed") return true;
    if (s === "open" || this.#trial) return false;
    this.#trial = true;
    return true;
  }

  success(): void {
    this.#failures = 0;
    this.#openedAt = null;
    this.#trial = false;
  }

  failure(): void {
    this.#trial = false;
    if (this.#openedAt !== null || ++this.#failures >= this.failureThreshold) {
      this.#openedAt = this.#now();
    }
  }
}
