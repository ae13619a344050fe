// Tests of the Twilio stand-in, driven the way the product drives Twilio: the
// real `twilio` SDK through supabase/functions/_shared/providers/twilio.ts,
// plain fetch for recording media, and the /_sandbox control API over HTTP.
import assert from "node:assert/strict";
import { rejection, sandboxCall, withServer } from "./kernel/testing.ts";
import twilio from "twilio";
import { rewriteTwilioUrl, twilioClient } from "../../functions/_shared/providers/twilio.ts";
import {
  DEFAULT_ACCOUNT_SID,
  DEFAULT_AUTH_TOKEN,
  startTwilioStandIn,
  type TwilioStandIn,
} from "./twilio.ts";

const SID = DEFAULT_ACCOUNT_SID;
const TOKEN = DEFAULT_AUTH_TOKEN;
const BASIC = "Basic " + btoa(`${SID}:${TOKEN}`);

const withStandIn = (fn: (s: TwilioStandIn) => Promise<void>) =>
  withServer(() => startTwilioStandIn({ port: 0, accountSid: SID, authToken: TOKEN }), fn);

const client = (
  s: TwilioStandIn,
  extra: { timeoutMs?: number; autoRetry?: boolean; authToken?: string } = {},
) =>
  twilioClient({ accountSid: SID, authToken: extra.authToken ?? TOKEN, baseUrl: s.url, ...extra });

const control = (s: TwilioStandIn, method: string, path: string, body?: unknown) =>
  sandboxCall(s.url, method, path, body);

const SENTENCES = [
  {
    media_channel: 1,
    start_time: 0.4,
    end_time: 2.1,
    transcript: "Hi, I'd like to upgrade my plan.",
    confidence: 0.94,
  },
  {
    media_channel: 2,
    start_time: 2.5,
    end_time: 5.0,
    transcript: "Sure, the premium plan is $40 a month.",
  },
  { media_channel: 1, start_time: 5.3, end_time: 6.0, transcript: "Let's do it." },
];

async function seedCall(s: TwilioStandIn) {
  const { status, body } = await control(s, "POST", "/calls", {
    from: "+14155550199",
    to: "+14155550100",
    duration: 7,
    transcript: { sentences: SENTENCES },
  });
  assert.equal(status, 201, JSON.stringify(body));
  return body as { call: { sid: string }; recording: { sid: string }; transcript: { sid: string } };
}


Deno.test("numbers: list available, buy, update, list owned, release", async () => {
  await withStandIn(async (s) => {
    const tw = client(s);
    const available = await tw.availablePhoneNumbers("US").local.list({ areaCode: 415, limit: 5 });
    assert.equal(available.length, 5);
    assert.ok(available.every((n) => /^\+1415555\d{4}$/.test(n.phoneNumber)));
    assert.equal(available[0].locality, "San Francisco");
    assert.deepEqual(
      (await tw.availablePhoneNumbers("US").local.list({ areaCode: 415, limit: 5 })).map((n) =>
        n.phoneNumber
      ),
      available.map((n) => n.phoneNumber),
      "deterministic per area code",
    );

    const bought = await tw.incomingPhoneNumbers.create({
      phoneNumber: available[0].phoneNumber,
      voiceUrl: "http://127.0.0.1:54321/functions/v1/twilio-voice",
      voiceMethod: "POST",
      statusCallback: "http://127.0.0.1:54321/functions/v1/twilio-status",
    });
    assert.match(bought.sid, /^PN[0-9a-f]{32}$/);
    assert.equal(bought.phoneNumber, available[0].phoneNumber);
    assert.equal(bought.voiceUrl, "http://127.0.0.1:54321/functions/v1/twilio-voice");
    assert.equal(bought.statusCallback, "http://127.0.0.1:54321/functions/v1/twilio-status");
    assert.ok(bought.dateCreated instanceof Date && !isNaN(bought.dateCreated.getTime()));
    assert.equal(bought.uri, `/2010-04-01/Accounts/${SID}/IncomingPhoneNumbers/${bought.sid}.json`);

    const again = await rejection(
      tw.incomingPhoneNumbers.create({ phoneNumber: available[0].phoneNumber }),
    );
    assert.ok(again instanceof twilio.RestException);
    assert.equal(again.status, 400);
    assert.equal(again.code, 21422);
    const after = await tw.availablePhoneNumbers("US").local.list({ areaCode: 415 });
    assert.ok(
      !after.some((n) => n.phoneNumber === bought.phoneNumber),
      "a bought number is no longer offered",
    );

    const updated = await tw.incomingPhoneNumbers(bought.sid).update({
      voiceUrl: "https://example.test/voice",
    });
    assert.equal(updated.voiceUrl, "https://example.test/voice");
    const owned = await tw.incomingPhoneNumbers.list();
    assert.deepEqual(owned.map((n) => n.sid), [bought.sid]);

    assert.equal(await tw.incomingPhoneNumbers(bought.sid).remove(), true);
    const gone = await rejection(tw.incomingPhoneNumbers(bought.sid).fetch());
    assert.equal(gone.status, 404);
    assert.equal(gone.code, 20404);
    assert.deepEqual(await tw.incomingPhoneNumbers.list(), []);
  });
});

Deno.test("calls and recordings registered through the control API are fetched with the SDK", async () => {
  await withStandIn(async (s) => {
    const seeded = await seedCall(s);
    const tw = client(s);

    const call = await tw.calls(seeded.call.sid).fetch();
    assert.equal(call.from, "+14155550199");
    assert.equal(call.to, "+14155550100");
    assert.equal(call.status, "completed");
    assert.equal(call.direction, "inbound");
    assert.equal(call.duration, "7");
    assert.ok(call.startTime instanceof Date && !isNaN(call.startTime.getTime()));
    assert.equal(call.endTime.getTime() - call.startTime.getTime(), 7000);

    const recording = await tw.recordings(seeded.recording.sid).fetch();
    assert.equal(recording.callSid, seeded.call.sid);
    assert.equal(recording.channels, 2);
    assert.equal(recording.duration, "7");
    assert.equal(recording.status, "completed");
    assert.equal(
      recording.mediaUrl,
      `${s.url}/2010-04-01/Accounts/${SID}/Recordings/${recording.sid}`,
    );
    assert.deepEqual((await tw.recordings.list({ callSid: seeded.call.sid })).map((r) => r.sid), [
      recording.sid,
    ]);
    assert.deepEqual((await tw.calls(seeded.call.sid).recordings.list()).map((r) => r.sid), [
      recording.sid,
    ]);

    const missing = await rejection(tw.calls("CA" + "f".repeat(32)).fetch());
    assert.ok(missing instanceof twilio.RestException);
    assert.equal(missing.status, 404);
    assert.equal(missing.code, 20404);
  });
});

Deno.test("recording media: WAV as long as the recording, byte ranges, MP3, auth", async () => {
  await withStandIn(async (s) => {
    const { recording } = await seedCall(s);
    const wavUrl = `${s.url}/2010-04-01/Accounts/${SID}/Recordings/${recording.sid}.wav`;
    const full = await fetch(wavUrl, { headers: { authorization: BASIC } });
    assert.equal(full.status, 200);
    assert.equal(full.headers.get("content-type"), "audio/x-wav");
    assert.equal(full.headers.get("accept-ranges"), "bytes");
    const wav = new Uint8Array(await full.arrayBuffer());
    const view = new DataView(wav.buffer);
    assert.equal(new TextDecoder().decode(wav.subarray(0, 4)), "RIFF");
    assert.equal(view.getUint16(22, true), 2, "two channels");
    const rate = view.getUint32(24, true);
    assert.equal(view.getUint32(40, true) / (rate * 2 * 2), 7, "as many seconds as the recording");
    // Channel 1 speaks from 0.4 s, channel 2 is silent then.
    const frame = Math.round(1 * rate);
    assert.notEqual(
      view.getInt16(44 + frame * 4 + 2 * 0, true) | view.getInt16(44 + (frame + 1) * 4, true),
      0,
    );
    assert.equal(view.getInt16(44 + frame * 4 + 2, true), 0);

    const part = await fetch(wavUrl, { headers: { authorization: BASIC, range: "bytes=100-199" } });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get("content-range"), `bytes 100-199/${wav.length}`);
    assert.deepEqual(new Uint8Array(await part.arrayBuffer()), wav.slice(100, 200));

    const tail = await fetch(wavUrl, { headers: { authorization: BASIC, range: "bytes=-10" } });
    assert.equal(tail.status, 206);
    assert.deepEqual(new Uint8Array(await tail.arrayBuffer()), wav.slice(-10));

    const beyond = await fetch(wavUrl, {
      headers: { authorization: BASIC, range: `bytes=${wav.length}-` },
    });
    assert.equal(beyond.status, 416);
    assert.equal(beyond.headers.get("content-range"), `bytes */${wav.length}`);
    await beyond.body?.cancel();

    const noExt = await fetch(wavUrl.replace(/\.wav$/, ""), {
      headers: { authorization: BASIC, range: "bytes=0-3" },
    });
    assert.equal(await noExt.text(), "RIFF", "no extension serves WAV, as Twilio does");

    const mp3 = await fetch(wavUrl.replace(/\.wav$/, ".mp3"), {
      headers: { authorization: BASIC, range: "bytes=0-3" },
    });
    assert.equal(mp3.status, 206);
    assert.equal(mp3.headers.get("content-type"), "audio/mpeg");
    assert.deepEqual([...new Uint8Array(await mp3.arrayBuffer())].slice(0, 2), [0xff, 0xfb]);

    const anonymous = await fetch(wavUrl);
    assert.equal(anonymous.status, 401);
    assert.equal((await anonymous.json()).code, 20003);
  });
});

Deno.test("Voice Intelligence: find the transcript of a recording and read its sentences", async () => {
  await withStandIn(async (s) => {
    const seeded = await seedCall(s);
    const tw = client(s);

    const found = await tw.intelligence.v2.transcripts.list({ sourceSid: seeded.recording.sid });
    assert.deepEqual(found.map((t) => t.sid), [seeded.transcript.sid]);
    assert.deepEqual(
      await tw.intelligence.v2.transcripts.list({ sourceSid: "RE" + "f".repeat(32) }),
      [],
    );

    const transcript = await tw.intelligence.v2.transcripts(seeded.transcript.sid).fetch();
    assert.equal(transcript.status, "completed");
    assert.equal(transcript.duration, 7);
    assert.equal(transcript.channel.media_properties.source_sid, seeded.recording.sid);

    const sentences = await tw.intelligence.v2.transcripts(transcript.sid).sentences.list();
    assert.deepEqual(
      sentences.map((
        x,
      ) => [x.sentenceIndex, x.mediaChannel, Number(x.startTime), Number(x.endTime), x.transcript]),
      SENTENCES.map((x, i) => [i, x.media_channel, x.start_time, x.end_time, x.transcript]),
    );
    assert.equal(Number(sentences[0].confidence), 0.94);
    assert.equal(sentences[0].words, null);
    const withWords = await tw.intelligence.v2.transcripts(transcript.sid).sentences.list({
      wordTimestamps: true,
    });
    assert.equal(withWords[2].words.map((w: { word: string }) => w.word).join(" "), "Let's do it.");

    // Paging follows meta.next_page_url back to the stand-in.
    const paged = await tw.intelligence.v2.transcripts(transcript.sid).sentences.list({
      pageSize: 2,
    });
    assert.equal(paged.length, 3);

    const inProgress = await control(s, "POST", `/transcripts/${transcript.sid}`, {
      status: "in-progress",
    });
    assert.equal(inProgress.status, 200);
    assert.equal(
      (await tw.intelligence.v2.transcripts(transcript.sid).fetch()).status,
      "in-progress",
    );
  });
});

/** A tiny webhook receiver: answers `reply` and keeps what it received. */
function receiver(reply = "<Response/>") {
  const received: { url: string; headers: Headers; body: string }[] = [];
  const server = Deno.serve({ port: 0, hostname: "127.0.0.1", onListen: () => {} }, async (req) => {
    received.push({ url: req.url, headers: req.headers, body: await req.text() });
    return new Response(reply, { headers: { "content-type": "text/xml" } });
  });
  return { url: `http://127.0.0.1:${server.addr.port}`, received, close: () => server.shutdown() };
}

Deno.test("webhooks are signed so that twilio.validateRequest accepts them, and only unaltered", async () => {
  await withStandIn(async (s) => {
    const seeded = await seedCall(s);
    const hook = receiver();
    try {
      const url = `${hook.url}/functions/v1/twilio-recording`;
      const { status, body: delivery } = await control(s, "POST", "/webhooks", {
        url,
        event: "recording-status",
        call_sid: seeded.call.sid,
      });
      assert.equal(status, 200);
      assert.equal(delivery.response.status, 200);
      assert.equal(hook.received.length, 1);
      const got = hook.received[0];
      assert.equal(got.headers.get("content-type"), "application/x-www-form-urlencoded");
      const params = Object.fromEntries(new URLSearchParams(got.body));
      assert.deepEqual(Object.keys(params).sort(), [
        "AccountSid",
        "CallSid",
        "RecordingChannels",
        "RecordingDuration",
        "RecordingSid",
        "RecordingSource",
        "RecordingStartTime",
        "RecordingStatus",
        "RecordingUrl",
      ]);
      assert.equal(params.RecordingSid, seeded.recording.sid);
      assert.equal(params.RecordingChannels, "2");
      assert.match(
        params.RecordingStartTime,
        /^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} \+0000$/,
      );

      const signature = got.headers.get("x-twilio-signature")!;
      assert.equal(twilio.validateRequest(TOKEN, signature, url, params), true);
      const altered = got.body.replace("completed", "completee");
      assert.notEqual(altered, got.body);
      assert.equal(
        twilio.validateRequest(
          TOKEN,
          signature,
          url,
          Object.fromEntries(new URLSearchParams(altered)),
        ),
        false,
      );
      assert.equal(twilio.validateRequest("another-token", signature, url, params), false);
    } finally {
      await hook.close();
    }
  });
});

Deno.test("a voice webhook goes to the number's VoiceUrl; its TwiML names the recording callback", async () => {
  await withStandIn(async (s) => {
    const hook = receiver(
      '<?xml version="1.0" encoding="UTF-8"?><Response><Dial record="record-from-answer-dual" ' +
        'recordingStatusCallback="/functions/v1/twilio-recording?org=1&amp;x=2"><Number>+14155550142</Number></Dial></Response>',
    );
    try {
      const tw = client(s);
      const number = await tw.incomingPhoneNumbers.create({
        phoneNumber: "+14155550100",
        voiceUrl: `${hook.url}/functions/v1/twilio-voice`,
      });
      const { call } = await seedCall(s);
      const voice = await control(s, "POST", "/webhooks", { event: "voice", call_sid: call.sid });
      assert.equal(voice.status, 200);
      assert.equal(voice.body.url, number.voiceUrl);
      const params = Object.fromEntries(new URLSearchParams(hook.received[0].body));
      assert.equal(params.CallSid, call.sid);
      assert.equal(params.From, "+14155550199");
      assert.equal(params.To, "+14155550100");
      assert.equal(params.Direction, "inbound");
      assert.equal(params.CallStatus, "ringing");
      assert.equal(params.AccountSid, SID);
      assert.ok(
        twilio.validateRequest(
          TOKEN,
          hook.received[0].headers.get("x-twilio-signature")!,
          number.voiceUrl,
          params,
        ),
      );

      const rec = await control(s, "POST", "/webhooks", {
        event: "recording-status",
        call_sid: call.sid,
      });
      assert.equal(rec.body.url, `${hook.url}/functions/v1/twilio-recording?org=1&x=2`);
      assert.equal(hook.received[1].url, rec.body.url);
      const recParams = Object.fromEntries(new URLSearchParams(hook.received[1].body));
      assert.ok(
        twilio.validateRequest(
          TOKEN,
          hook.received[1].headers.get("x-twilio-signature")!,
          rec.body.url,
          recParams,
        ),
      );
    } finally {
      await hook.close();
    }
  });
});

Deno.test("faults: 429 and 500 raise RestException; 429 is retried by autoRetry; counts run out", async () => {
  await withStandIn(async (s) => {
    const { call } = await seedCall(s);
    const tw = client(s);

    const f429 = await control(s, "POST", "/faults", {
      kind: "429",
      path: "*/Calls/*",
      count: 1,
      retry_after: 3,
    });
    assert.equal(f429.status, 201);
    const limited = await rejection(tw.calls(call.sid).fetch());
    assert.ok(limited instanceof twilio.RestException);
    assert.equal(limited.status, 429);
    assert.equal(limited.code, 20429);
    assert.equal((await tw.calls(call.sid).fetch()).sid, call.sid, "the fault's count ran out");

    s.faults.add({ kind: "500", path: "/v2/*" });
    const broken = await rejection(tw.intelligence.v2.transcripts.list());
    assert.equal(broken.status, 500);
    assert.equal(broken.code, 20500);
    assert.equal((await tw.calls(call.sid).fetch()).sid, call.sid, "other paths are unaffected");
    assert.equal((await control(s, "DELETE", "/faults")).status, 204);
    assert.deepEqual(
      await tw.intelligence.v2.transcripts.list({ sourceSid: "RE" + "f".repeat(32) }),
      [],
    );

    s.faults.add({ kind: "429", count: 2, retry_after: 0 });
    const retrying = client(s, { autoRetry: true });
    assert.equal((await retrying.calls(call.sid).fetch()).sid, call.sid);
    const log = (await control(s, "GET", "/state")).body.requests as {
      status: number;
      fault: string | null;
    }[];
    assert.deepEqual(log.slice(-3).map((r) => [r.status, r.fault]), [[429, "429"], [429, "429"], [
      200,
      null,
    ]]);

    const raw = await fetch(`${s.url}/2010-04-01/Accounts/${SID}/Calls/${call.sid}.json`, {
      headers: { authorization: BASIC },
    });
    assert.equal(raw.status, 200);
    await raw.body?.cancel();
    s.faults.add({ kind: "429", retry_after: 7, count: 1 });
    const r429 = await fetch(`${s.url}/2010-04-01/Accounts/${SID}/Calls/${call.sid}.json`);
    assert.equal(r429.status, 429);
    assert.equal(r429.headers.get("retry-after"), "7");
    assert.deepEqual(Object.keys(await r429.json()).sort(), [
      "code",
      "message",
      "more_info",
      "status",
    ]);
  });
});

Deno.test("faults: slow answers late, timeout honours the client's timeout, malformed bodies fail to parse", async () => {
  await withStandIn(async (s) => {
    const { call } = await seedCall(s);

    s.faults.add({ kind: "slow", delay_ms: 400, count: 1 });
    let t0 = performance.now();
    assert.equal((await client(s).calls(call.sid).fetch()).sid, call.sid);
    assert.ok(performance.now() - t0 >= 400, "answered only after the delay");

    s.faults.add({ kind: "timeout", path: "*/Recordings.json", count: 1 });
    t0 = performance.now();
    const timedOut = await rejection(
      client(s, { timeoutMs: 300 }).calls(call.sid).recordings.list(),
    );
    const waited = performance.now() - t0;
    assert.ok(!(timedOut instanceof twilio.RestException));
    assert.match(timedOut.message, /timeout/i);
    assert.ok(
      waited >= 300 && waited < 5000,
      `gave up after the client's 300 ms (${Math.round(waited)} ms)`,
    );

    // Scoped to the call: after a client-side timeout on a reused keep-alive
    // socket, Deno's node:http layer re-sends the GET once on a new socket.
    s.faults.add({
      kind: "malformed",
      path: `/2010-04-01/Accounts/${SID}/Calls/${call.sid}.json`,
      count: 1,
    });
    const malformed = await rejection(client(s).calls(call.sid).fetch());
    assert.ok(malformed instanceof SyntaxError);
    assert.equal((await client(s).calls(call.sid).fetch()).sid, call.sid);
  });
});

Deno.test("bad Basic auth gets 401 with Twilio's error JSON", async () => {
  await withStandIn(async (s) => {
    const wrong = await rejection(
      client(s, { authToken: "wrong-token" }).incomingPhoneNumbers.list(),
    );
    assert.ok(wrong instanceof twilio.RestException);
    assert.equal(wrong.status, 401);
    assert.equal(wrong.code, 20003);

    const res = await fetch(`${s.url}/2010-04-01/Accounts/${SID}/IncomingPhoneNumbers.json`, {
      headers: { authorization: "Basic " + btoa(`${SID}:nope`) },
    });
    assert.equal(res.status, 401);
    assert.deepEqual(await res.json(), {
      code: 20003,
      message: "Authenticate",
      more_info: "https://www.twilio.com/docs/errors/20003",
      status: 401,
    });
    const intelligence = await fetch(`${s.url}/v2/Transcripts`);
    assert.equal(intelligence.status, 401);
    await intelligence.body?.cancel();
  });
});

Deno.test("the control API validates what it is given", async () => {
  await withStandIn(async (s) => {
    const bad = await control(s, "POST", "/calls", { from: "not a number", to: "+14155550100" });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, "invalid_request");
    assert.match(bad.body.error.message, /E\.164/);
    const fault = await control(s, "POST", "/faults", { kind: "503" });
    assert.equal(fault.status, 400);
    const hook = await control(s, "POST", "/webhooks", { event: "voice" });
    assert.equal(hook.status, 400);
    assert.equal((await control(s, "GET", "/nowhere")).status, 404);

    const first = await seedCall(s);
    const again = await control(s, "POST", "/calls", {
      call_sid: first.call.sid,
      from: "+14155550198",
      to: "+14155550100",
    });
    assert.equal(again.status, 201);
    const replaced = (await control(s, "GET", "/state")).body;
    assert.deepEqual(replaced.calls.map((c: { from: string }) => c.from), ["+14155550198"]);
    assert.deepEqual(replaced.recordings.map((r: { sid: string }) => r.sid), [
      again.body.recording.sid,
    ]);
    assert.deepEqual(
      replaced.transcripts,
      [],
      "registering a call again replaces its recording and transcript",
    );

    assert.equal((await control(s, "POST", "/reset")).status, 204);
    const state = (await control(s, "GET", "/state")).body;
    assert.deepEqual([state.calls, state.recordings, state.transcripts], [[], [], []]);
    assert.equal(state.account_sid, SID);
  });
});

Deno.test("runs as a script: --port, local default credentials, clean exit on SIGTERM", async () => {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", new URL("./twilio.ts", import.meta.url).pathname, "--port", "0"],
    cwd: new URL("../../../", import.meta.url).pathname,
    env: { TWILIO_ACCOUNT_SID: "", TWILIO_AUTH_TOKEN: "" },
    stdout: "piped",
  }).spawn();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  try {
    let out = "";
    while (!out.includes("\n")) {
      const { value, done } = await lines.read();
      if (done) break;
      out += value;
    }
    const url = /listening on (http:\/\/\S+)/.exec(out)?.[1];
    assert.ok(url, out);
    assert.deepEqual(await (await fetch(`${url}/_sandbox/health`)).json(), {
      ok: true,
      account_sid: SID,
    });
    const res = await fetch(`${url}/2010-04-01/Accounts/${SID}/IncomingPhoneNumbers.json`, {
      headers: { authorization: BASIC },
    });
    assert.equal(res.status, 200);
    await res.body?.cancel();
  } finally {
    child.kill("SIGTERM");
    await lines.cancel();
  }
  assert.equal((await child.status).code, 0);
});

Deno.test("rewriteTwilioUrl moves *.twilio.com URLs under the base URL and nothing else", () => {
  const base = "http://127.0.0.1:54340/";
  const rec =
    "https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE1.wav?RequestedChannels=2";
  assert.equal(rewriteTwilioUrl(rec), rec, "no base URL: unchanged (production)");
  assert.equal(
    rewriteTwilioUrl(rec, base),
    "http://127.0.0.1:54340/2010-04-01/Accounts/AC1/Recordings/RE1.wav?RequestedChannels=2",
  );
  assert.equal(
    rewriteTwilioUrl("https://intelligence.twilio.com:443/v2/Transcripts", "http://h:1/twilio"),
    "http://h:1/twilio/v2/Transcripts",
  );
  assert.equal(rewriteTwilioUrl("https://api.sydney.au1.twilio.com/x", base), `${base}x`);
  for (
    const other of [
      "https://api.twilio.com.evil.test/x",
      "http://api.twilio.com/x",
      "https://example.com/x",
    ]
  ) {
    assert.equal(rewriteTwilioUrl(other, base), other);
  }
});
