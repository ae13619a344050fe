// The voice stand-ins (ElevenLabs, OpenAI audio, OpenRouter audio) through their real wire
// formats: real audio back, taught transcripts, and the faults the fallback tests rely on.
import assert from "node:assert/strict";
import OpenAI from "openai";
import { startElevenLabsStandIn } from "./elevenlabs.ts";
import { startOpenAIStandIn } from "./openai.ts";
import { startOpenRouterStandIn } from "./openrouter.ts";

const EL_KEY = "sk_test_el";
const tts = (url: string, voice: string, body: unknown, query = "", key = EL_KEY) =>
  fetch(`${url}/v1/text-to-speech/${voice}/stream${query}`, {
    method: "POST",
    headers: { "xi-api-key": key, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
const post = (url: string, body: unknown) =>
  fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

async function readAll(res: Response): Promise<{ bytes: Uint8Array; chunks: number }> {
  const reader = res.body!.getReader();
  const parts: Uint8Array[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    parts.push(value);
  }
  const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) (bytes.set(p, o), o += p.length);
  return { bytes, chunks: parts.length };
}

Deno.test("ElevenLabs stand-in: streams real speech in chunks, in the output format asked for", async () => {
  const el = startElevenLabsStandIn({ port: 0, apiKey: EL_KEY });
  try {
    const res = await tts(el.url, "21m00Tcm4TlvDq8ikWAM", { text: "Hello, I am the buyer.", model_id: "eleven_flash_v2_5" }, "?output_format=pcm_16000");
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("content-type"), "audio/pcm;rate=16000;channels=1");
    assert.equal(res.headers.get("character-cost"), "22");
    const { bytes, chunks } = await readAll(res);
    assert.ok(chunks > 1, "several chunks");
    assert.ok(bytes.length > 16000, "more than half a second of 16 kHz audio");
    const pcm = new Int16Array(bytes.buffer, 0, bytes.length >> 1);
    assert.ok(pcm.some((s) => Math.abs(s) > 2000), "not silence");

    const unauthorized = await tts(el.url, "21m00Tcm4TlvDq8ikWAM", { text: "x" }, "", "wrong");
    assert.equal(unauthorized.status, 401);
    assert.equal((await unauthorized.json()).detail.status, "invalid_api_key");
    const noVoice = await tts(el.url, "nope", { text: "x" });
    assert.equal(noVoice.status, 404);
    assert.equal((await noVoice.json()).detail.status, "voice_not_found");
    const missing = await tts(el.url, "21m00Tcm4TlvDq8ikWAM", {});
    assert.equal(missing.status, 422);
    assert.deepEqual((await missing.json()).detail[0].loc, ["body", "text"]);
  } finally {
    await el.close();
  }
});

Deno.test("ElevenLabs stand-in: 500, slow first byte and a stream cut mid-way", async () => {
  const el = startElevenLabsStandIn({ port: 0, apiKey: EL_KEY });
  try {
    const voice = "JBFqnCBsd6RMkjVDRZzb";
    await post(`${el.url}/_sandbox/faults`, { kind: "500", count: 1 });
    const failed = await tts(el.url, voice, { text: "One." });
    assert.equal(failed.status, 500);
    assert.equal((await failed.json()).detail.status, "internal_server_error");
    assert.equal((await tts(el.url, voice, { text: "One." }).then(async (r) => (await r.body?.cancel(), r.status))), 200, "count used up");

    await post(`${el.url}/_sandbox/faults`, { kind: "cut", count: 1, after_bytes: 5000 });
    const cut = await tts(el.url, voice, { text: "This reply is cut in the middle." }, "?output_format=pcm_24000");
    assert.equal(cut.status, 200, "headers arrive");
    await assert.rejects(readAll(cut), "the body breaks off");

    await post(`${el.url}/_sandbox/faults`, { kind: "slow_first_byte", count: 1, delay_ms: 300 });
    const started = Date.now();
    const slow = await tts(el.url, voice, { text: "Slow." });
    const headersAt = Date.now() - started;
    await readAll(slow);
    assert.ok(Date.now() - started >= 300 && headersAt < Date.now() - started, "first byte after the delay");
    const log = await (await fetch(`${el.url}/_sandbox/requests`)).json();
    assert.deepEqual(log.items.map((r: { fault: string | null }) => r.fault), ["500", null, "cut", "slow_first_byte"]);
  } finally {
    await el.close();
  }
});

Deno.test("OpenAI stand-in: /v1/audio/speech through the SDK, taught transcripts", async () => {
  const oa = await startOpenAIStandIn({ port: 0, apiKey: "sk-test" });
  try {
    const client = new OpenAI({ apiKey: "sk-test", baseURL: oa.baseURL, maxRetries: 0 });
    const speech = await client.audio.speech.create({ model: "gpt-4o-mini-tts", voice: "coral", input: "We need it by March.", response_format: "wav" });
    const wav = new Uint8Array(await speech.arrayBuffer());
    assert.equal(new TextDecoder().decode(wav.subarray(0, 4)), "RIFF");
    await assert.rejects(
      client.audio.speech.create({ model: "gpt-4o-mini-tts", voice: "nobody", input: "x" }),
      (e: { status?: number }) => e.status === 400,
    );

    // Teach: the stand-in speaks the rep's line and remembers it; the test sends it back resampled.
    const taught = await post(`${oa.url}/_sandbox/voice/transcripts`, { text: "What does it cost per seat?", speak: true });
    assert.equal(taught.status, 201);
    const repWav = new Uint8Array(await taught.arrayBuffer());
    const t = await client.audio.transcriptions.create({
      model: "gpt-4o-mini-transcribe",
      file: new File([repWav], "turn.wav", { type: "audio/wav" }),
    });
    assert.equal(t.text, "What does it cost per seat?");
    const other = await client.audio.transcriptions.create({
      model: "whisper-1",
      file: new File([wav], "buyer.wav", { type: "audio/wav" }),
    });
    assert.notEqual(other.text, "What does it cost per seat?", "different speech is not matched");

    await post(`${oa.url}/_sandbox/voice/faults`, { kind: "503", path: "/v1/audio/transcriptions", count: 1 });
    await assert.rejects(
      client.audio.transcriptions.create({ model: "whisper-1", file: new File([repWav], "a.wav") }),
      (e: { status?: number }) => e.status === 503,
    );
  } finally {
    await oa.close();
  }
});

Deno.test("OpenRouter stand-in: speech bytes and JSON transcriptions with usage", async () => {
  const or = startOpenRouterStandIn({ port: 0, apiKey: "sk-or-test" });
  try {
    const auth = { authorization: "Bearer sk-or-test", "content-type": "application/json" };
    const sp = await fetch(`${or.baseURL}/audio/speech`, {
      method: "POST",
      headers: auth,
      body: JSON.stringify({ model: "openai/gpt-4o-mini-tts", input: "Send me the contract.", voice: "alloy", response_format: "pcm" }),
    });
    assert.equal(sp.status, 200);
    assert.match(sp.headers.get("x-generation-id")!, /^gen-tts-\d+-/);
    assert.ok((await readAll(sp)).bytes.length > 24000);

    const wav = new Uint8Array(await (await post(`${or.url}/_sandbox/transcripts`, { text: "Can we start next week?", speak: true })).arrayBuffer());
    const data = btoa(Array.from(wav, (b) => String.fromCharCode(b)).join(""));
    const r = await fetch(`${or.baseURL}/audio/transcriptions`, {
      method: "POST",
      headers: auth,
      body: JSON.stringify({ model: "openai/whisper-1", input_audio: { data, format: "wav" } }),
    });
    const body = await r.json();
    assert.equal(body.text, "Can we start next week?");
    assert.ok(body.usage.seconds > 0.5 && body.usage.cost > 0);
    const noKey = await fetch(`${or.baseURL}/audio/speech`, { method: "POST", body: "{}" });
    assert.equal(noKey.status, 401);
    assert.equal((await noKey.json()).error.code, 401);
  } finally {
    await or.close();
  }
});
