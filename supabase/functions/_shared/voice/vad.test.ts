// End of turn by energy and silence, and push-to-talk.
import assert from "node:assert/strict";
import { EnergyVad } from "./vad.ts";

/** `ms` of a 200 Hz tone (amplitude `amp`) or silence, as 16 kHz s16le bytes. */
function tone(ms: number, amp: number): Uint8Array {
  const n = (16000 * ms) / 1000;
  const out = new Uint8Array(n * 2);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < n; i++) dv.setInt16(i * 2, Math.round(amp * Math.sin((2 * Math.PI * 200 * i) / 16000)), true);
  return out;
}

Deno.test("VAD: speech starts after minSpeechMs of energy and the turn ends after silenceMs", () => {
  const vad = new EnergyVad({ threshold: 500, minSpeechMs: 100, silenceMs: 400 });
  assert.deepEqual(vad.push(tone(500, 0)), [], "silence is no turn");
  const started = vad.push(tone(600, 8000));
  assert.deepEqual(started, [{ type: "speech_started" }]);
  assert.deepEqual(vad.push(tone(300, 0)), [], "a short pause does not end the turn");
  vad.push(tone(300, 8000));
  const ended = vad.push(tone(500, 0));
  assert.equal(ended.length, 1);
  const e = ended[0];
  assert.ok(e.type === "turn_ended" && e.reason === "silence");
  const seconds = e.pcm.length / 16000;
  assert.ok(seconds > 1.4 && seconds < 1.8, `the turn holds the speech, the pause and the trailing silence (${seconds}s)`);
  assert.equal(vad.inTurn, false);
});

Deno.test("VAD: a quiet murmur below the threshold is not speech; push-to-talk ends a turn at once", () => {
  const vad = new EnergyVad({ threshold: 500 });
  assert.deepEqual(vad.push(tone(1000, 300)), []);
  vad.push(tone(400, 8000));
  const e = vad.endTurn();
  assert.ok(e?.type === "turn_ended" && e.reason === "push_to_talk");
  assert.equal(vad.endTurn(), null, "nothing more to end");
});

Deno.test("VAD: a turn ends at maxTurnMs even without silence", () => {
  const vad = new EnergyVad({ maxTurnMs: 1000 });
  const events = vad.push(tone(1500, 8000));
  // Speech goes on after the cut: it starts the next turn.
  assert.deepEqual(events.map((e) => e.type === "turn_ended" ? e.reason : e.type).slice(0, 3), ["speech_started", "max_length", "speech_started"]);
});
