// @vitest-environment node
// The calls list's fetcher on the test stack, as a manager and as an agent of
// an organization of the test's own (a second organization's calls must never
// show): filters, full-text search with its snippet, pages with the total,
// trackers, and the polling while calls are processed.
import { admin, addMember, createAgent, createOrg, insertCalls, signIn, type User } from "../../testing/stack";
import { beforeAll, describe, expect, it } from "vitest";
import { CALLS_REFETCH_MS, callsQueryOptions, callsRefetchInterval, fetchCalls } from "./api/searchCalls";
import { type CallFilters, PAGE_SIZE } from "./filters";

let org: Awaited<ReturnType<typeof createOrg>>;
let manager: User;
let agentUser: User;
let ann: { id: string };
let ids: Record<string, string>;
let trackerId: string;
const none: CallFilters = { q: null, agentId: null, from: null, to: null, outcome: null, sentiment: null, status: null, trackerId: null, page: 1 };
const listed = async (f: Partial<CallFilters>) => (await fetchCalls({ ...none, ...f })).rows.map((r) => r.id);

beforeAll(async () => {
  org = await createOrg();
  const other = await createOrg();
  agentUser = await addMember(org.id, "agent");
  ann = await createAgent(org.id, "Ann Calls", { user_id: agentUser.id });
  const ben = await createAgent(org.id, "Ben Calls");
  const [happy, cross, failed, old] = await insertCalls(org.id, [
    { started_at: "2026-03-10T12:00:00Z", agent_id: ann.id, insight: { converted: true, upsell_amount: 120, sentiment_label: "positive", sentiment_score: 0.6, adherence_score: 90 } },
    { started_at: "2026-03-12T12:00:00Z", agent_id: ben.id, insight: { sentiment_label: "negative", sentiment_score: -0.5 } },
    { started_at: "2026-03-15T12:00:00Z", agent_id: ben.id, status: "failed" },
    { started_at: "2025-06-01T12:00:00Z", agent_id: ann.id, insight: {} },
  ]);
  ids = { happy, cross, failed, old };
  await admin("transcripts", { method: "POST", body: JSON.stringify([
    { org_id: org.id, call_id: happy, source: "twilio", segments: [], full_text: "We talked about the battery backup and the warranty." },
    { org_id: org.id, call_id: cross, source: "twilio", segments: [], full_text: "The customer asked about opening hours." },
  ]) });
  [{ id: trackerId }] = await admin<{ id: string }[]>("trackers", { method: "POST", body: JSON.stringify({ org_id: org.id, name: "Warranty", terms: ["warranty"] }) });
  await admin("tracker_hits", { method: "POST", body: JSON.stringify({ org_id: org.id, tracker_id: trackerId, call_id: happy, term: "warranty", time_seconds: 3, quote: "the warranty", segment: 0, speaker: "agent" }) });
  await insertCalls(other.id, [{ started_at: "2026-03-11T12:00:00Z", insight: { converted: true } }]);
  manager = await addMember(org.id, "manager");
  await signIn(manager);
}, 60_000);

describe("calls api on the stack", () => {
  it("lists the organization's calls newest first, with the insight's columns as numbers", async () => {
    const page = await fetchCalls(none);
    expect(page.total).toBe(4);
    expect(page.rows.map((r) => r.id)).toEqual([ids.failed, ids.cross, ids.happy, ids.old]);
    const happy = page.rows.find((r) => r.id === ids.happy)!;
    expect(happy).toMatchObject({
      status: "analyzed", agent_id: ann.id, agent_name: "Ann Calls", converted: true, upsell_amount: 120, sentiment_label: "positive",
      sentiment_score: 0.6, adherence_score: 90, duration_seconds: 60, snippet: null, error: null,
    });
    expect(page.rows.find((r) => r.id === ids.failed)).toMatchObject({ converted: null, upsell_amount: null, sentiment_score: null, summary: null });
    expect(await callsQueryOptions(org.id, none).queryFn!({} as never)).toEqual(page);
    expect(callsQueryOptions(org.id, none).queryKey).toEqual(["calls", org.id, "list", none]);
  });
  it("filters by agent, outcome, sentiment, status, dates and tracker", async () => {
    expect(await listed({ agentId: ann.id })).toEqual([ids.happy, ids.old]);
    expect(await listed({ outcome: "converted" })).toEqual([ids.happy]);
    expect(await listed({ outcome: "not_converted" })).toEqual([ids.cross, ids.old]);
    expect(await listed({ sentiment: "negative" })).toEqual([ids.cross]);
    expect(await listed({ status: "failed" })).toEqual([ids.failed]);
    expect(await listed({ from: "2026-03-11", to: "2026-03-15" })).toEqual([ids.failed, ids.cross]);
    expect(await listed({ trackerId })).toEqual([ids.happy]);
    expect(await listed({ agentId: ann.id, status: "failed" })).toEqual([]);
  });
  it("searches transcripts, with the match marked in the snippet", async () => {
    const page = await fetchCalls({ ...none, q: "battery" });
    expect(page.total).toBe(1);
    expect(page.rows.map((r) => r.id)).toEqual([ids.happy]);
    expect(page.rows[0].snippet).toContain("«battery»");
    expect(await listed({ q: "hours" })).toEqual([ids.cross]);
    expect(await listed({ q: "refund" })).toEqual([]);
  });
  it("pages of PAGE_SIZE carry the total; a page past the end is empty with total 0", async () => {
    expect(PAGE_SIZE).toBe(25);
    const extra = await insertCalls(org.id, Array.from({ length: 24 }, (_, i) => ({ started_at: new Date(Date.UTC(2026, 4, 1, 0, i)).toISOString() })));
    const first = await fetchCalls(none);
    expect(first.total).toBe(28);
    expect(first.rows).toHaveLength(25);
    expect(first.rows.slice(0, 24).map((r) => r.id)).toEqual([...extra].reverse());
    const second = await fetchCalls({ ...none, page: 2 });
    expect(second.rows.map((r) => r.id)).toEqual([ids.cross, ids.happy, ids.old]);
    expect(second.total).toBe(28);
    expect(await fetchCalls({ ...none, page: 3 })).toEqual({ rows: [], total: 0 });
  });
  it("polls while a listed call is being processed", () => {
    const row = (status: string) => ({ status }) as never;
    expect(callsRefetchInterval({ rows: [row("analyzed"), row("transcribing")], total: 2 })).toBe(CALLS_REFETCH_MS);
    expect(callsRefetchInterval({ rows: [row("analyzed"), row("failed")], total: 2 })).toBe(false);
    expect(callsRefetchInterval(undefined)).toBe(false);
    expect(CALLS_REFETCH_MS).toBe(5_000);
  });
  it("an agent lists only their own calls", async () => {
    await signIn(agentUser);
    try {
      expect(await listed({ to: "2026-12-31", from: "2025-01-01" })).toEqual([ids.happy, ids.old]);
    } finally {
      await signIn(manager);
    }
  });
});
