// A session's recording as one WAV: each turn's samples read back from its WAV, the rep's
// 16 kHz resampled to 24 kHz, pauses between turns.
import assert from "node:assert/strict";
import { pcm16MonoWav } from "../wav.ts";
import { byteaOf, RECORDING_RATE, resample, sessionWav, wavSamples } from "./recording.ts";

Deno.test("recording: samples round-trip through a WAV; bytea hex decodes", () => {
  const pcm = Int16Array.from([0, 1000, -1000, 32767, -32768]);
  assert.deepEqual([...wavSamples(pcm16MonoWav(pcm, 16000))], [...pcm]);
  assert.deepEqual([...byteaOf("\\x52494646ff00")], [0x52, 0x49, 0x46, 0x46, 0xff, 0]);
  assert.throws(() => wavSamples(new Uint8Array(50)), /not a WAV/);
});

Deno.test("recording: 16 kHz → 24 kHz keeps the length in time and interpolates", () => {
  const up = resample(Int16Array.from([0, 300, 600, 900]), 16000, 24000);
  assert.equal(up.length, 6);
  assert.deepEqual([...up.slice(0, 4)], [0, 200, 400, 600]);
  const same = Int16Array.from([5, 6]);
  assert.equal(resample(same, 24000, 24000), same);
});

Deno.test("recording: the session's WAV is the turns in order at 24 kHz with a quarter second between them", () => {
  const rep = pcm16MonoWav(new Int16Array(16000).fill(100), 16000); // 1 s
  const buyer = pcm16MonoWav(new Int16Array(12000).fill(-100), 24000); // 0.5 s
  const out = sessionWav([{ sample_rate: 16000, audio: rep }, { sample_rate: 24000, audio: buyer }]);
  const v = new DataView(out.buffer);
  assert.equal(v.getUint32(24, true), RECORDING_RATE);
  const samples = wavSamples(out);
  assert.equal(samples.length, 24000 + 6000 + 12000);
  assert.equal(samples[100], 100);
  assert.equal(samples[24000 + 3000], 0, "the pause");
  assert.equal(samples.at(-1), -100);
});
