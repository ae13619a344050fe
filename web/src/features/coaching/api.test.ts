// @vitest-environment node
// A call's coaching page's data layer on the test stack, as a manager of an
// organization of the test's own with coaching on its plan (and as an agent,
// who sees only their own calls): the call, its insight with the script's
// labels, transcript, talk metrics, tracker hits, consent, comments (adding
// one), re-analysis refused, and the recording function's refusal without a
// recording.
import { admin, addMember, createAgent, createOrg, insertCalls, signIn, type User } from "../../testing/stack";
import { beforeAll, describe, expect, it } from "vitest";
import { clientWith, invalidated, runHook } from "../../testing/hooks";
import { addComment, useAddComment } from "./api/addComment";
import { callQueryOptions, getCall, POLL_MS } from "./api/getCall";
import { commentsQueryOptions, getComments } from "./api/getComments";
import { getConsent } from "./api/getConsent";
import { getCallMetrics, getTrackerHits, trackerHitsQueryOptions } from "./api/getConversation";
import { getInsight, insightQueryOptions } from "./api/getInsight";
import { getRecordingUrl } from "./api/getRecording";
import { getTranscript, transcriptQueryOptions } from "./api/getTranscript";
import { reanalyzeCall, useReanalyzeCall } from "./api/reanalyzeCall";
import { isProcessing } from "./api/types";

let org: Awaited<ReturnType<typeof createOrg>>;
let manager: User;
let agentUser: User;
let callId: string;
let pending: string;

beforeAll(async () => {
  org = await createOrg();
  await admin("feature_flags", { method: "POST", body: JSON.stringify({ org_id: org.id, key: "coaching", enabled: true, note: "vitest" }) });
  agentUser = await addMember(org.id, "agent");
  const alex = await createAgent(org.id, "Alex Coach");
  await admin("call_scripts", { method: "POST", body: JSON.stringify({ org_id: org.id, name: "Inbound", is_default: true, items: [{ id: "greet", label: "Greet the caller" }] }) });
  [callId, pending] = await insertCalls(org.id, [
    { started_at: "2026-03-10T12:00:00Z", agent_id: alex.id, insight: { converted: true, upsell_amount: 300 } },
    { started_at: "2026-03-11T12:00:00Z", agent_id: alex.id, status: "received" },
  ]);
  await admin("transcripts", { method: "POST", body: JSON.stringify({
    org_id: org.id, call_id: callId, source: "twilio", full_text: "Thanks for calling. I want the battery.", redactions: { PHONE: 1, SSN: 0 },
    segments: [
      { start: 4.5, end: 8, speaker: "customer", text: "I want the battery." },
      { start: 0, end: 4, speaker: "agent", text: "Thanks for calling." },
    ],
  }) });
  await admin("call_metrics", { method: "POST", body: JSON.stringify({ org_id: org.id, call_id: callId, agent_id: alex.id, talk_ratio: 0.5, agent_questions: 1, interruptions: 0, longest_monologue_seconds: 4, silence_seconds: 0.5 }) });
  const [tracker] = await admin<{ id: string }[]>("trackers", { method: "POST", body: JSON.stringify({ org_id: org.id, name: "Battery", terms: ["battery"] }) });
  await admin("tracker_hits", { method: "POST", body: JSON.stringify({ org_id: org.id, tracker_id: tracker.id, call_id: callId, term: "battery", time_seconds: 6, quote: "the battery", segment: 1, speaker: "customer" }) });
  await admin("call_consents", { method: "POST", body: JSON.stringify({ org_id: org.id, call_id: callId, region: "US-CA", rule: "all_party", notice_played: true, notice_text: "This call is recorded.", source: "voice" }) });
  manager = await addMember(org.id, "manager");
  await signIn(manager);
}, 60_000);

describe("coaching api on the stack", () => {
  it("the call's header with its agent; polled only while it is processed", async () => {
    const call = (await getCall(callId))!;
    expect(call).toMatchObject({ id: callId, org_id: org.id, status: "analyzed", duration_seconds: 60, agent: { name: "Alex Coach" } });
    expect((await getCall(pending))!.status).toBe("received");
    expect(await getCall(crypto.randomUUID())).toBeNull();
    expect([isProcessing("received"), isProcessing("analyzed"), isProcessing(undefined)]).toEqual([true, false, false]);
    expect(POLL_MS).toBe(3_000);
    expect(callQueryOptions(callId).queryKey).toEqual(["coaching", callId, "call"]);
  });
  it("the current insight with the labels of the organization's script; none before the analysis", async () => {
    const insight = (await getInsight(callId))!;
    expect(insight).toMatchObject({ org_id: org.id, analyzer: "offline", model: "vitest", script_id: null });
    expect(insight.scriptItems).toEqual([{ id: "greet", label: "Greet the caller" }]);
    expect(await getInsight(pending)).toBeNull();
    expect(insightQueryOptions(callId, true).refetchInterval).toBe(POLL_MS);
    expect(insightQueryOptions(callId).refetchInterval).toBe(false);
  });
  it("the transcript in time order with its redaction counts; the talk metrics, tracker hits and consent", async () => {
    expect(await getTranscript(callId)).toEqual({
      segments: [{ start: 0, end: 4, speaker: "agent", text: "Thanks for calling." }, { start: 4.5, end: 8, speaker: "customer", text: "I want the battery." }],
      language: null, redactions: { PHONE: 1 },
    });
    expect(await getTranscript(pending)).toBeNull();
    expect(transcriptQueryOptions(callId).queryKey).toEqual(["coaching", callId, "transcript"]);
    expect(await getCallMetrics(callId)).toMatchObject({ talk_ratio: 0.5, agent_questions: 1, interruptions: 0, longest_monologue_seconds: 4 });
    expect(await getCallMetrics(pending)).toBeNull();
    const hits = await getTrackerHits(callId);
    expect(hits.map((h) => [h.term, h.time_seconds, h.speaker, h.tracker?.name])).toEqual([["battery", 6, "customer", "Battery"]]);
    expect(trackerHitsQueryOptions(callId).queryKey).toEqual(["coaching", callId, "tracker-hits"]);
    expect(await getConsent(callId)).toMatchObject({ region: "US-CA", rule: "all_party", notice_played: true, source: "voice", analysis_allowed: true });
    expect(await getConsent(pending)).toBeNull();
  });
  it("adds comments pinned to moments, listed in call-time order with their authors", async () => {
    const keys = [commentsQueryOptions(callId).queryKey, callQueryOptions(callId).queryKey];
    const qc = clientWith(keys);
    await runHook(() => useAddComment(callId), qc).mutateAsync({ org_id: org.id, call_id: callId, at_seconds: 6.5, body: "Offer the warranty here" });
    expect(invalidated(qc, keys)).toEqual([keys[0]]);
    await addComment({ org_id: org.id, call_id: callId, at_seconds: 1, body: "Good greeting" });
    const comments = await getComments(callId);
    expect(comments.map((c) => [c.at_seconds, c.body, c.author_id])).toEqual([[1, "Good greeting", manager.id], [6.5, "Offer the warranty here", manager.id]]);
    expect(await getComments(pending)).toEqual([]);
  });
  it("re-analysis is refused for a call without a recording and for one still in the pipeline; the call is refreshed either way", async () => {
    // (A re-analysis that runs is driven in the browser: web/e2e/manage.spec.ts.)
    const keys = [callQueryOptions(callId).queryKey, commentsQueryOptions(callId).queryKey];
    const qc = clientWith(keys);
    await expect(runHook(() => useReanalyzeCall(callId), qc).mutateAsync()).rejects.toThrow("the call has no recording to analyze");
    expect(invalidated(qc, keys)).toEqual([keys[0]]);
    await expect(reanalyzeCall(pending)).rejects.toMatchObject({ code: "SP409" });
    expect(await admin(`jobs?select=id&org_id=eq.${org.id}&kind=eq.analyze_call`)).toEqual([]);
  });
  it("the recording function refuses a call that has no recording", async () => {
    await expect(getRecordingUrl(pending)).rejects.toMatchObject({ status: 404 });
  });
  it("an agent sees none of another agent's call, and cannot comment on it", async () => {
    await signIn(agentUser);
    try {
      expect(await getCall(callId)).toBeNull();
      expect(await getTranscript(callId)).toBeNull();
      expect(await getComments(callId)).toEqual([]);
      await expect(addComment({ org_id: org.id, call_id: callId, at_seconds: 2, body: "Not mine" })).rejects.toBeTruthy();
    } finally {
      await signIn(manager);
    }
  });
});
