// The voice provider manager against the ElevenLabs, OpenAI and OpenRouter stand-ins through the
// real SDKs: the order, fallback on 5xx, on a slow first byte and on a stream cut mid-way, the
// circuit breaker, barge-in, and what is recorded per provider.
import assert from "node:assert/strict";
import { startElevenLabsStandIn } from "../../../local/sandbox/elevenlabs.ts";
import { startOpenAIStandIn } from "../../../local/sandbox/openai.ts";
import { startOpenRouterStandIn } from "../../../local/sandbox/openrouter.ts";
import { CircuitBreaker } from "./breaker.ts";
import { createVoiceManager, type SpeechEvent, voiceProviders, VoiceUnavailableError } from "./manager.ts";

const KEYS = { el: "sk_el_test", oa: "sk-oa-test", or: "sk-or-test" };

async function withStandIns(fn: (s: {
  el: ReturnType<typeof startElevenLabsStandIn>;
  oa: Awaited<ReturnType<typeof startOpenAIStandIn>>;
  or: ReturnType<typeof startOpenRouterStandIn>;
  env: Parameters<typeof voiceProviders>[0];
}) => Promise<void>) {
  const el = startElevenLabsStandIn({ port: 0, apiKey: KEYS.el });
  const oa = await startOpenAIStandIn({ port: 0, apiKey: KEYS.oa });
  const or = startOpenRouterStandIn({ port: 0, apiKey: KEYS.or });
  try {
    await fn({
      el,
      oa,
      or,
      env: {
        ELEVENLABS_API_KEY: KEYS.el,
        ELEVENLABS_API_BASE_URL: el.url,
        ELEVENLABS_MODEL: "eleven_flash_v2_5",
        OPENAI_API_KEY: KEYS.oa,
        OPENAI_BASE_URL: oa.baseURL,
        OPENROUTER_API_KEY: KEYS.or,
        OPENROUTER_BASE_URL: or.baseURL,
        VOICE_TTS_PROVIDERS: "elevenlabs,openai,openrouter",
        VOICE_STT_PROVIDERS: "openai,openrouter",
      },
    });
  } finally {
    await Promise.all([el.close(), oa.close(), or.close()]);
  }
}

const fault = (url: string, spec: unknown) =>
  fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(spec) })
    .then((r) => r.body?.cancel());

async function collect(events: AsyncIterable<SpeechEvent>) {
  const out = { audio: new Map<string, number>(), failed: [] as { provider: string; partial: boolean }[] };
  for await (const e of events) {
    if (e.type === "audio") out.audio.set(e.provider, (out.audio.get(e.provider) ?? 0) + e.chunk.length);
    else out.failed.push({ provider: e.provider, partial: e.partial });
  }
  return out;
}

const never = new AbortController().signal;

Deno.test("voice manager: ElevenLabs speaks first; its 500 falls back to OpenAI, then OpenRouter", async () => {
  await withStandIns(async ({ el, oa, env }) => {
    const m = createVoiceManager({ ...voiceProviders(env), breaker: { failureThreshold: 5 } });
    assert.equal(m.getTTSProvider()?.name, "elevenlabs");
    assert.equal(m.getSTTProvider()?.name, "openai");
    const ok = await collect(m.speak("Hello, this is the buyer.", {}, never));
    assert.deepEqual([...ok.audio.keys()], ["elevenlabs"]);
    assert.ok(ok.audio.get("elevenlabs")! > 24000, "about a second of 24 kHz PCM");

    await fault(`${el.url}/_sandbox/faults`, { kind: "500", count: 1 });
    const fb = await collect(m.speak("We are looking at other vendors.", {}, never));
    assert.deepEqual(fb.failed, [{ provider: "elevenlabs", partial: false }]);
    assert.deepEqual([...fb.audio.keys()], ["openai"]);

    await fault(`${el.url}/_sandbox/faults`, { kind: "503", count: 1 });
    await fault(`${oa.url}/_sandbox/voice/faults`, { kind: "500", count: 1, path: "/v1/audio/speech" });
    const second = await collect(m.speak("Send me a proposal.", {}, never));
    assert.deepEqual(second.failed.map((f) => f.provider), ["elevenlabs", "openai"]);
    assert.deepEqual([...second.audio.keys()], ["openrouter"]);

    const summary = m.stats.summary().filter((s) => s.kind === "tts");
    const el11 = summary.find((s) => s.provider === "elevenlabs")!;
    assert.equal(el11.calls, 3);
    assert.equal(el11.errors, 2);
    assert.ok(el11.costPerMinuteUsd! > 0 && el11.p50LatencyMs !== null);
  });
});

Deno.test("voice manager: a stream cut mid-way and a slow first byte fall back without ending the reply", async () => {
  await withStandIns(async ({ el, env }) => {
    // The first-byte limit is generous and the slow fault far beyond it, so a loaded machine's
    // synthesis time cannot decide the outcome.
    const m = createVoiceManager({ ...voiceProviders(env), firstByteTimeoutMs: 5000 });
    await fault(`${el.url}/_sandbox/faults`, { kind: "cut", count: 1, after_bytes: 9600 });
    const cut = await collect(m.speak("This sentence breaks off in the middle.", {}, never));
    assert.deepEqual(cut.failed, [{ provider: "elevenlabs", partial: true }]);
    assert.ok(cut.audio.get("elevenlabs")! >= 4800 && cut.audio.get("elevenlabs")! <= 9600);
    assert.ok(cut.audio.get("openai")! > 24000, "the fallback speaks the whole sentence");

    await fault(`${el.url}/_sandbox/faults`, { kind: "slow_first_byte", count: 1, delay_ms: 120_000 });
    const slow = await collect(m.speak("Slow.", {}, never));
    assert.deepEqual(slow.failed, [{ provider: "elevenlabs", partial: false }]);
    assert.ok(slow.audio.has("openai"));
    const failures = m.stats.calls().filter((c) => !c.ok).map((c) => c.error);
    assert.equal(failures.length, 2);
    assert.match(failures[1]!, /no first byte|no answer/);
  });
});

Deno.test("voice manager: the breaker opens after repeated failures and the provider is skipped", async () => {
  await withStandIns(async ({ el, env }) => {
    let t = 1_000_000;
    const m = createVoiceManager({ ...voiceProviders(env), now: () => t, breaker: { failureThreshold: 2, cooldownMs: 60_000 } });
    await fault(`${el.url}/_sandbox/faults`, { kind: "500", count: 2 });
    await collect(m.speak("One.", {}, never));
    await collect(m.speak("Two.", {}, never));
    assert.equal(m.breakerState("tts", "elevenlabs"), "open");
    assert.equal(m.getTTSProvider()?.name, "openai");
    const skipped = await collect(m.speak("Three.", {}, never));
    assert.deepEqual(skipped.failed, [], "not even tried");
    const log = await (await fetch(`${el.url}/_sandbox/requests`)).json();
    assert.equal(log.items.length, 2);
    t += 60_000;
    assert.equal(m.breakerState("tts", "elevenlabs"), "half_open");
    const back = await collect(m.speak("Four.", {}, never));
    assert.deepEqual([...back.audio.keys()], ["elevenlabs"]);
    assert.equal(m.breakerState("tts", "elevenlabs"), "closed");
  });
});

Deno.test("voice manager: barge-in stops the audio and is not a provider failure", async () => {
  await withStandIns(async ({ env }) => {
    const m = createVoiceManager(voiceProviders(env));
    const ctrl = new AbortController();
    let chunks = 0;
    for await (const e of m.speak("A long answer about our budget, our timeline and the people who sign off.", {}, ctrl.signal)) {
      if (e.type === "audio" && ++chunks === 2) ctrl.abort();
    }
    assert.equal(chunks, 2);
    assert.equal(m.stats.calls().filter((c) => !c.ok).length, 0);
    assert.equal(m.breakerState("tts", "elevenlabs"), "closed");
  });
});

Deno.test("voice manager: STT returns the taught transcript; OpenAI failing falls back to OpenRouter", async () => {
  await withStandIns(async ({ oa, or, env }) => {
    const m = createVoiceManager(voiceProviders(env));
    const speak = async (url: string, text: string) =>
      new Uint8Array(await (await fetch(url, { method: "POST", body: JSON.stringify({ text, speak: true }) })).arrayBuffer());
    const wav = await speak(`${oa.url}/_sandbox/voice/transcripts`, "How many seats do you need?");
    const first = await m.transcribe(wav, 1.5, never);
    assert.deepEqual([first.text, first.provider, first.model], ["How many seats do you need?", "openai", "gpt-4o-mini-transcribe"]);

    await speak(`${or.url}/_sandbox/transcripts`, "How many seats do you need?");
    await fault(`${oa.url}/_sandbox/voice/faults`, { kind: "500", count: 1, path: "/v1/audio/transcriptions" });
    const fb = await m.transcribe(wav, 1.5, never);
    assert.deepEqual([fb.text, fb.provider], ["How many seats do you need?", "openrouter"]);
    assert.ok(fb.costUsd > 0, "OpenRouter's usage.cost");

    await fault(`${oa.url}/_sandbox/voice/faults`, { kind: "500", count: 1, path: "/v1/audio/transcriptions" });
    await fault(`${or.url}/_sandbox/faults`, { kind: "503", count: 1 });
    await assert.rejects(m.transcribe(wav, 1.5, never), VoiceUnavailableError);
  });
});

Deno.test("circuit breaker: half-open lets one trial through; a failed trial reopens it", () => {
  let t = 0;
  const b = new CircuitBreaker({ failureThreshold: 1, cooldownMs: 10, now: () => t });
  b.failure();
  assert.equal(b.allow(), false);
  t = 10;
  assert.equal(b.allow(), true);
  assert.equal(b.allow(), false, "only one trial");
  b.failure();
  assert.equal(b.state, "open");
  t = 20;
  assert.equal(b.allow(), true);
  b.success();
  assert.equal(b.state, "closed");
});
