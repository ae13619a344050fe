// A live voice session end to end in process: spoken audio (espeak-ng, via the OpenAI stand-in's
// taught transcripts) → VAD → STT → buyer → TTS streamed sentence by sentence; barge-in; the
// limit's notice; the primary TTS failing mid-session. The buyer here is a scripted stand-in for
// the SIM engine's buyer (the injected Buyer interface); turns go to an in-memory TurnStore.
import assert from "node:assert/strict";
import { startElevenLabsStandIn } from "../../../local/sandbox/elevenlabs.ts";
import { startOpenAIStandIn } from "../../../local/sandbox/openai.ts";
import { startOpenRouterStandIn } from "../../../local/sandbox/openrouter.ts";
import { createVoiceManager, voiceProviders } from "./manager.ts";
import { type Buyer, LIMIT_NOTICE, type SessionEvent, type Turn, VoiceSession } from "./session.ts";

async function stack() {
  const el = startElevenLabsStandIn({ port: 0, apiKey: "el" });
  const oa = await startOpenAIStandIn({ port: 0, apiKey: "oa" });
  const or = startOpenRouterStandIn({ port: 0, apiKey: "or" });
  const manager = createVoiceManager({
    ...voiceProviders({
      ELEVENLABS_API_KEY: "el", ELEVENLABS_API_BASE_URL: el.url, ELEVENLABS_MODEL: "eleven_flash_v2_5",
      OPENAI_API_KEY: "oa", OPENAI_BASE_URL: oa.baseURL, OPENROUTER_API_KEY: "or", OPENROUTER_BASE_URL: or.baseURL,
      VOICE_TTS_PROVIDERS: "elevenlabs,openai,openrouter", VOICE_STT_PROVIDERS: "openai,openrouter",
    }),
    firstByteTimeoutMs: 10_000,
  });
  return { el, oa, or, manager, close: () => Promise.all([el.close(), oa.close(), or.close()]) };
}

/** The rep's line as microphone PCM: taught to the STT stand-in, with silence after it. */
async function repSays(oaUrl: string, text: string): Promise<Uint8Array> {
  const res = await fetch(`${oaUrl}/_sandbox/voice/transcripts`, { method: "POST", body: JSON.stringify({ text, speak: true }) });
  const wav = new Uint8Array(await res.arrayBuffer());
  const at = new TextDecoder().decode(wav).indexOf("data");
  const pcm = wav.subarray(at + 8);
  const out = new Uint8Array(pcm.length + 32000); // + 1 s of silence: the end of the turn
  out.set(pcm);
  return out;
}

function feed(session: VoiceSession, pcm: Uint8Array) {
  for (let i = 0; i < pcm.length; i += 640) session.audio(pcm.subarray(i, i + 640));
}

const scripted = (replies: string[][], gate?: (i: number) => Promise<void>): Buyer => {
  let n = 0;
  return {
    async *reply(_turns: Turn[]) {
      const parts = replies[n++] ?? ["Okay."];
      for (let i = 0; i < parts.length; i++) {
        if (i > 0) await gate?.(i);
        yield parts[i];
      }
    },
  };
};

function session(s: Awaited<ReturnType<typeof stack>>, buyer: Buyer, extra: Partial<ConstructorParameters<typeof VoiceSession>[0]> = {}) {
  const events: SessionEvent[] = [];
  const stored: Turn[] = [];
  const listeners: ((e: SessionEvent) => void)[] = [];
  const vs = new VoiceSession({
    sessionId: "s1",
    manager: s.manager,
    buyer,
    store: { appendTurn: (t) => Promise.resolve(void stored.push(t)) },
    send: (e) => (events.push(e), listeners.forEach((l) => l(e))),
    startedAt: Date.now(),
    maxSeconds: 600,
    ...extra,
  });
  const next = (pred: (e: SessionEvent) => boolean) =>
    new Promise<void>((resolve) => listeners.push((e) => pred(e) && resolve()));
  return { vs, events, stored, next };
}

Deno.test("voice session: a spoken turn is transcribed, answered, and the first sentence plays before the reply is complete", async () => {
  const s = await stack();
  try {
    let firstAudio: () => void = () => {};
    const heard = new Promise<void>((r) => (firstAudio = r));
    const t = session(s, scripted([["Our budget is tight this quarter. ", "We could ", "start in May."]], () => heard));
    t.next((e) => e.type === "audio").then(() => firstAudio());
    feed(t.vs, await repSays(s.oa.url, "What is your budget?"));
    await t.vs.idle();
    const kinds = t.events.map((e) => e.type);
    assert.equal(kinds[0], "speech_started");
    assert.deepEqual(t.stored.map((x) => [x.seq, x.speaker, x.text]), [
      [1, "rep", "What is your budget?"],
      [2, "buyer", "Our budget is tight this quarter. We could start in May."],
    ]);
    assert.ok(kinds.indexOf("audio") < kinds.lastIndexOf("transcript"), "audio before the buyer's turn is complete");
    assert.equal(t.events.at(-1)?.type, "buyer_done");
    assert.ok(s.manager.stats.calls().some((c) => c.kind === "stt" && c.ok), "STT recorded");
  } finally {
    await s.close();
  }
});

Deno.test("voice session: the rep speaking over the buyer stops the buyer (barge-in)", async () => {
  const s = await stack();
  try {
    const long = "Let me tell you about every vendor we have looked at this year and why none of them worked.";
    const t = session(s, scripted([[long + " ", long + " ", long]]));
    const interrupt = await repSays(s.oa.url, "Sorry, can I stop you there?");
    t.next((e) => e.type === "audio").then(() => feed(t.vs, interrupt));
    await t.vs.text("Tell me about your vendors.");
    const done = t.events.find((e) => e.type === "buyer_done");
    assert.deepEqual(done, { type: "buyer_done", interrupted: true });
    await t.vs.idle();
    assert.ok(t.stored.some((x) => x.speaker === "rep" && x.text === "Sorry, can I stop you there?"), "the interruption is the next turn");
    assert.ok(!t.stored.some((x) => x.speaker === "buyer" && x.text.includes(long + " " + long)), "the buyer did not finish");
  } finally {
    await s.close();
  }
});

Deno.test("voice session: primary TTS failing mid-session: the session carries on with the fallback", async () => {
  const s = await stack();
  try {
    const t = session(s, scripted([["First answer."], ["Second answer."]]));
    await t.vs.text("Hello?");
    await fetch(`${s.el.url}/_sandbox/faults`, { method: "POST", body: JSON.stringify({ kind: "cut", after_bytes: 4800 }) });
    await t.vs.text("Are you still there?");
    const fallback = t.events.find((e) => e.type === "provider_fallback");
    assert.deepEqual(fallback, { type: "provider_fallback", kind: "tts", from: "elevenlabs", partial: true });
    const providers = t.events.filter((e) => e.type === "audio").map((e) => (e as { provider: string }).provider);
    assert.equal(providers[0], "elevenlabs");
    assert.equal(providers.at(-1), "openai");
    assert.deepEqual(t.stored.map((x) => x.text), ["Hello?", "First answer.", "Are you still there?", "Second answer."]);
  } finally {
    await s.close();
  }
});

Deno.test("voice session: at the limit it ends with a spoken and a written notice", async () => {
  const s = await stack();
  try {
    let now = 1_000_000;
    const t = session(s, scripted([["Fine."]]), { now: () => now, startedAt: now, maxSeconds: 60 });
    await t.vs.text("Hi.");
    assert.equal(t.vs.ended, false);
    now += 61_000;
    await t.vs.text("One more thing.");
    assert.equal(t.vs.ended, true);
    assert.ok(t.events.some((e) => e.type === "notice" && e.code === "limit_reached"));
    assert.deepEqual(t.events.at(-1), { type: "ended", reason: "limit_reached" });
    assert.deepEqual(t.stored.at(-1), { seq: 3, speaker: "system", text: LIMIT_NOTICE, provider: undefined });
    assert.ok(!t.stored.some((x) => x.text === "One more thing."), "nothing after the limit");
    const afterNotice = t.events.slice(t.events.findIndex((e) => e.type === "notice"));
    assert.ok(afterNotice.some((e) => e.type === "audio"), "the notice is spoken");
  } finally {
    await s.close();
  }
});

Deno.test("voice session: the server's meter ends it between turns (tick) and its figures go to the client as usage", async () => {
  const s = await stack();
  try {
    let left = 30;
    const meter = () => Promise.resolve({ seconds: 12, billable_minutes: 1, cost_usd: 0.024, price_per_minute: 0.12, seconds_left: left, limit: "plan" as const });
    const t = session(s, scripted([["Hello."]]), { meter });
    assert.equal(await t.vs.tick(), false, "time left: it goes on");
    assert.deepEqual(t.events[0], { type: "usage", seconds: 12, billable_minutes: 1, cost_usd: 0.024, price_per_minute: 0.12, seconds_left: 30, limit: "plan" });
    left = 0; // e.g. another session used the plan's minutes up
    assert.equal(await t.vs.tick(), true);
    assert.ok(t.events.some((e) => e.type === "notice" && e.code === "limit_reached"), "the written notice");
    assert.ok(t.events.some((e) => e.type === "audio"), "the spoken notice");
    assert.deepEqual(t.events.at(-1), { type: "ended", reason: "limit_reached" });
    await t.vs.text("Still there?");
    assert.ok(!t.stored.some((x) => x.text === "Still there?"), "nothing after the limit");
  } finally {
    await s.close();
  }
});

Deno.test("voice session: with a recorder, the rep's microphone (16 kHz) and the buyer's voice as heard (24 kHz) are kept per turn", async () => {
  const s = await stack();
  try {
    const saved: [number, string, number, number][] = [];
    const t = session(s, scripted([["Our budget is tight this quarter."]]), {
      recorder: { save: (turn, pcm, rate) => void saved.push([turn.seq, turn.speaker, rate, pcm.length]) },
    });
    feed(t.vs, await repSays(s.oa.url, "What is your budget?"));
    await t.vs.idle();
    await t.vs.text("Typed, so no audio of the rep.");
    assert.deepEqual(saved.map(([seq, who, rate]) => [seq, who, rate]), [[1, "rep", 16000], [2, "buyer", 24000], [4, "buyer", 24000]]);
    assert.ok(saved.every(([, , rate, n]) => n / rate > 0.3), "seconds of audio each");
  } finally {
    await s.close();
  }
});
