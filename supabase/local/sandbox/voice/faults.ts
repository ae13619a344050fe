// Faults of the voice stand-ins (on the kernel's registry) and the chunked audio stream they
// shape: `500`/`503`/`429` answer at once in the provider's error body; `slow_first_byte` sends
// the headers, then waits `delay_ms` before the first audio chunk; `cut` streams `after_bytes`
// (half the audio by default) and then breaks the connection mid-body; `timeout` never answers
// until the client gives up.
import { z } from "zod";
import { type ControlRoute, readJson } from "../kernel/control.ts";
import { type FaultState, sleep, SpecFaults } from "../kernel/faults.ts";
import { json, noContent } from "../kernel/http.ts";

export const VoiceFaultSpec = z.object({
  kind: z.enum(["429", "500", "503", "slow_first_byte", "cut", "timeout"]),
  /** Glob on the request path (`*` crosses `/`); every API path when omitted. */
  path: z.string().optional(),
  method: z.string().toUpperCase().optional(),
  /** How many requests it applies to; until removed when omitted. */
  count: z.number().int().positive().optional(),
  delay_ms: z.number().int().min(0).max(120_000).default(2000),
  after_bytes: z.number().int().min(0).optional(),
  retry_after: z.number().int().min(0).default(1),
}).strict();
export type VoiceFaultSpec = z.input<typeof VoiceFaultSpec>;
export type VoiceFault = FaultState & z.output<typeof VoiceFaultSpec>;

export class VoiceFaults extends SpecFaults<typeof VoiceFaultSpec, unknown> {
  constructor() {
    super(VoiceFaultSpec);
  }

  /** `POST|GET|DELETE /faults[/{id}]` for a stand-in's control API. */
  routes(): ControlRoute[] {
    return [
      ["POST /faults", async (_m, req) => json(this.add(await readJson(req, false)), 201)],
      ["GET /faults", () => json({ items: this.list() })],
      ["DELETE /faults", () => {
        this.clear();
        return noContent();
      }],
      [/^DELETE \/faults\/([\w-]+)$/, (m) =>
        this.remove(m[1])
          ? noContent()
          : json({ error: { code: "not_found", message: `no fault ${m[1]}` } }, 404)],
    ];
  }
}

/** The chunk size audio is streamed in (about 0.1 s of 24 kHz PCM). */
export const CHUNK_BYTES = 4800;

/**
 * `audio` as a stream of chunks, shaped by a `slow_first_byte` or `cut` fault; stops early when
 * `signal` aborts (the client went away, or the stand-in closes).
 */
export function audioStream(
  audio: Uint8Array,
  fault: VoiceFault | undefined,
  signals: AbortSignal[],
  chunkBytes = CHUNK_BYTES,
): ReadableStream<Uint8Array> {
  const cutAt = fault?.kind === "cut"
    ? Math.min(audio.length, fault.after_bytes ?? Math.floor(audio.length / 2))
    : Infinity;
  let offset = 0;
  let first = true;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (first && fault?.kind === "slow_first_byte") await sleep(fault.delay_ms, signals);
      first = false;
      if (signals.some((s) => s.aborted)) return controller.close();
      if (offset >= cutAt) {
        // An error (not close) so the client sees a broken transfer, not a short success.
        return controller.error(new Error("stand-in fault: stream cut"));
      }
      const end = Math.min(audio.length, offset + chunkBytes, cutAt);
      controller.enqueue(audio.slice(offset, end));
      offset = end;
      if (offset >= audio.length) controller.close();
      else await new Promise((r) => setTimeout(r, 0)); // a chunk per tick, as a stream arrives
    },
  });
}
