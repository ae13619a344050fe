// The transcript step against the Twilio and OpenAI stand-ins (real SDKs).
import assert from "node:assert/strict";
import { startOpenAIStandIn } from "../../../local/sandbox/openai.ts";
import { DEFAULT_ACCOUNT_SID, DEFAULT_AUTH_TOKEN, generateWav, startTwilioStandIn } from "../../../local/sandbox/twilio.ts";
import { openaiClient } from "../providers/openai.ts";
import { twilioClient } from "../providers/twilio.ts";
import { downloadRecordingWav, openaiTranscript, speakerOfChannel, splitWavChannels, twilioTranscript } from "./transcribe.ts";

Deno.test("channel 1 is the customer (caller), channel 2 the agent", () => {
  assert.equal(speakerOfChannel(1), "customer");
  assert.equal(speakerOfChannel(2), "agent");
});

Deno.test("splitWavChannels de-interleaves 16-bit PCM into mono WAVs", () => {
  const wav = generateWav(2, 2, [{ media_channel: 1, start_time: 0, end_time: 1, transcript: "x" }] as never);
  const [a, b] = splitWavChannels(wav);
  const frames = (wav.byteLength - 44) / 4;
  assert.equal(a.byteLength, 44 + frames * 2);
  assert.equal(new DataView(a.buffer).getUint16(22, true), 1, "mono");
  const src = new DataView(wav.buffer);
  const left = new DataView(a.buffer);
  const right = new DataView(b.buffer);
  for (const f of [0, 100, frames - 1]) {
    assert.equal(left.getInt16(44 + f * 2, true), src.getInt16(44 + f * 4, true));
    assert.equal(right.getInt16(44 + f * 2, true), src.getInt16(44 + f * 4 + 2, true));
  }
  assert.throws(() => splitWavChannels(new Uint8Array(10)), /not a WAV/);
});

Deno.test("Twilio Voice Intelligence sentences become speaker-labelled segments", async () => {
  const tw = startTwilioStandIn({ port: 0, accountSid: DEFAULT_ACCOUNT_SID, authToken: DEFAULT_AUTH_TOKEN });
  try {
    const { recording } = tw.state.registerCall({
      from: "+15551230000",
      to: "+14155550100",
      transcript: {
        sentences: [
          { media_channel: 2, start_time: 0, end_time: 3, transcript: "Acme Solar, Alex speaking." },
          { media_channel: 1, start_time: 3.5, end_time: 6, transcript: "Hi Alex, quick question." },
        ],
      },
    }) as unknown as { recording: { sid: string } };
    const client = twilioClient({ accountSid: DEFAULT_ACCOUNT_SID, authToken: DEFAULT_AUTH_TOKEN, baseUrl: tw.url });
    const t = await twilioTranscript(client, recording.sid);
    assert.deepEqual(t?.segments, [
      { start: 0, end: 3, speaker: "agent", text: "Acme Solar, Alex speaking." },
      { start: 3.5, end: 6, speaker: "customer", text: "Hi Alex, quick question." },
    ]);
    assert.equal(t?.source, "twilio");
    assert.equal(await twilioTranscript(client, "RE" + "f".repeat(32)), null, "no transcript → null");
  } finally {
    await tw.close();
  }
});

Deno.test("OpenAI speech-to-text per channel of the downloaded recording", async () => {
  const tw = startTwilioStandIn({ port: 0, accountSid: DEFAULT_ACCOUNT_SID, authToken: DEFAULT_AUTH_TOKEN });
  const ai = await startOpenAIStandIn({ port: 0, apiKey: "sk-test" });
  try {
    const { recording } = tw.state.registerCall({ from: "+15551230000", to: "+14155550100", duration: 8 }) as unknown as {
      recording: { sid: string; uri: string };
    };
    const url = `${tw.url}/2010-04-01/Accounts/${DEFAULT_ACCOUNT_SID}/Recordings/${recording.sid}`;
    const wav = await downloadRecordingWav(url, { accountSid: DEFAULT_ACCOUNT_SID, authToken: DEFAULT_AUTH_TOKEN, baseUrl: tw.url });
    assert.equal(new TextDecoder().decode(wav.slice(0, 4)), "RIFF");
    ai.scriptTranscription(
      { segments: [{ start: 1, end: 3, text: "I'd like a quote." }] },
      { segments: [{ start: 0, end: 1, text: "Acme, hello." }] },
    );
    const t = await openaiTranscript(openaiClient({ apiKey: "sk-test", baseUrl: ai.baseURL }), wav);
    assert.deepEqual(t.segments, [
      { start: 0, end: 1, speaker: "agent", text: "Acme, hello." },
      { start: 1, end: 3, speaker: "customer", text: "I'd like a quote." },
    ]);
    const uploads = ai.requests.filter((r) => r.path === "/v1/audio/transcriptions");
    assert.equal(uploads.length, 2, "one upload per channel");
    await assert.rejects(
      downloadRecordingWav(url, { accountSid: DEFAULT_ACCOUNT_SID, authToken: "wrong-token-wrong", baseUrl: tw.url }),
      /HTTP 401/,
    );
  } finally {
    await ai.close();
    await tw.close();
  }
});
