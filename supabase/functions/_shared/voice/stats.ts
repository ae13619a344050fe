// What the voice providers did: every call's latency (to the first byte for speech), outcome,
// audio seconds and provider cost, kept per provider for the live error rate and the admins'
// side-by-side comparison, and passed to `onCall` for whoever persists it.

export type VoiceKind = "stt" | "tts";

export interface ProviderCall {
  kind: VoiceKind;
  provider: string;
  model: string;
  ok: boolean;
  /** TTS: to the first audio byte; STT: to the transcript. */
  latencyMs: number;
  /** Audio produced (TTS) or transcribed (STT), seconds. */
  audioSeconds: number;
  /** What the provider charges us for the call, USD. */
  costUsd: number;
  error?: string;
  at: number;
}

export interface ProviderSummary {
  kind: VoiceKind;
  provider: string;
  calls: number;
  errors: number;
  errorRate: number;
  /** Median latency of successful calls, ms (null before one). */
  p50LatencyMs: number | null;
  audioMinutes: number;
  costUsd: number;
  /** Provider cost per minute of audio, USD (null before any audio). */
  costPerMinuteUsd: number | null;
}

export class ProviderStats {
  #calls: ProviderCall[] = [];
  constructor(
    private readonly onCall: (c: ProviderCall) => void = () => {},
    private readonly window = 200,
  ) {}

  record(call: ProviderCall): void {
    this.#calls.push(call);
    if (this.#calls.length > this.window * 4) this.#calls.splice(0, this.#calls.length - this.window * 4);
    this.onCall(call);
  }

  /** Error rate of the provider's last `window` calls (0 with none). */
  errorRate(kind: VoiceKind, provider: string): number {
    const recent = this.#calls.filter((c) => c.kind === kind && c.provider === provider).slice(-this.window);
    return recent.length ? recent.filter((c) => !c.ok).length / recent.length : 0;
  }

  calls(): ProviderCall[] {
    return [...this.#calls];
  }

  summary(): ProviderSummary[] {
    const groups = new Map<string, ProviderCall[]>();
    for (const c of this.#calls) {
      const k = `${c.kind}:${c.provider}`;
      groups.set(k, [...(groups.get(k) ?? []), c]);
    }
    return [...groups.values()].map((cs) => {
      const ok = cs.filter((c) => c.ok).map((c) => c.latencyMs).sort((a, b) => a - b);
      const minutes = cs.reduce((s, c) => s + c.audioSeconds, 0) / 60;
      const cost = cs.reduce((s, c) => s + c.costUsd, 0);
      const errors = cs.filter((c) => !c.ok).length;
      return {
        kind: cs[0].kind,
        provider: cs[0].provider,
        calls: cs.length,
        errors,
        errorRate: errors / cs.length,
        p50LatencyMs: ok.length ? ok[Math.floor((ok.length - 1) / 2)] : null,
        audioMinutes: minutes,
        costUsd: cost,
        costPerMinuteUsd: minutes > 0 ? cost / minutes : null,
      };
    });
  }
}
