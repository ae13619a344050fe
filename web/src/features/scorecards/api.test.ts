// @vitest-environment node
// Scorecards on the test stack, as a manager of an organization of the test's
// own: a call's scorecard (the AI's answers from the analysis against the
// default call script), a manager's override with the history kept, and
// creating and editing a scorecard with its items.
import { admin, addMember, createOrg, insertCalls, signIn, type User } from "../../testing/stack";
import { beforeAll, describe, expect, it } from "vitest";
import { clientWith, invalidated, runHook } from "../../testing/hooks";
import { scorecardsQueryOptions, fetchScorecards } from "../../lib/queries/scorecards";
import { callScorecardQueryOptions, fetchCallScorecard } from "./api/getCallScorecard";
import { overrideItem, useOverrideItem } from "./api/overrideItem";
import { keyFor, saveScorecard, useSaveScorecard } from "./api/saveScorecard";

let org: Awaited<ReturnType<typeof createOrg>>;
let manager: User;
let agent: User;
let callId: string;
let bare: string;

beforeAll(async () => {
  org = await createOrg();
  const [script] = await admin<{ id: string }[]>("call_scripts", { method: "POST", body: JSON.stringify({
    org_id: org.id, name: "Inbound", is_default: true, items: [{ id: "greet", label: "Greet the caller" }, { id: "close", label: "Ask for the sale" }],
  }) });
  [callId, bare] = await insertCalls(org.id, [{ started_at: "2026-03-10T12:00:00Z" }, { started_at: "2026-03-11T12:00:00Z" }]);
  // The analysis answered the script's checklist: greeted (with evidence), did not ask for the sale.
  await admin("insights", { method: "POST", body: JSON.stringify({
    org_id: org.id, call_id: callId, script_id: script.id, run_key: "vitest", analyzer: "offline", model: "vitest", prompt_version: "vitest",
    summary: "vitest", converted: false, sentiment_label: "neutral", sentiment_score: 0, adherence_score: 50,
    data: { script_adherence: { checklist: [
      { item_id: "greet", done: true, evidence: { quote: "Thanks for calling", time: 1.5 } },
      { item_id: "close", done: false },
    ] } },
  }) });
  agent = await addMember(org.id, "agent");
  manager = await addMember(org.id, "manager");
  await signIn(manager);
}, 60_000);

describe("scorecards api on the stack", () => {
  it("a call's scorecard: the script's items with the AI's answers and evidence; a call without an analysis has none", async () => {
    const card = (await fetchCallScorecard(callId))!;
    expect(card).toMatchObject({ name: "Call script", pass_score: 70, can_override: true });
    expect(card.items.map((i) => [i.key, i.question, i.answer, i.source, i.evidence_quote, i.evidence_time])).toEqual([
      ["greet", "Greet the caller", "yes", "ai", "Thanks for calling", 1.5],
      ["close", "Ask for the sale", "no", "ai", null, null],
    ]);
    expect(card.items[0].history).toEqual([]);
    expect(await fetchCallScorecard(bare)).toBeNull();
    expect(callScorecardQueryOptions(callId).queryKey).toEqual(["call-scorecard", callId]);
    expect(await callScorecardQueryOptions(callId).queryFn!({} as never)).toEqual(card);
  });
  it("a manager overrides an item with a note, refreshing the call's scorecard; the AI's answer stays as history", async () => {
    const close = (await fetchCallScorecard(callId))!.items[1];
    const keys = [callScorecardQueryOptions(callId).queryKey, callScorecardQueryOptions(bare).queryKey];
    const qc = clientWith(keys);
    await runHook(() => useOverrideItem(callId), qc).mutateAsync({ itemId: close.item_id, answer: "yes", note: "Asked at the end" });
    expect(invalidated(qc, keys)).toEqual([keys[0]]);
    const after = (await fetchCallScorecard(callId))!.items[1];
    expect(after).toMatchObject({ answer: "yes", source: "manager", note: "Asked at the end" });
    expect(after.answered_by_name).toBeTruthy();
    expect(after.history.map((h) => [h.answer, h.source])).toEqual([["no", "ai"]]);
    // Without a note, none is stored; "partial" only where the item allows it.
    await overrideItem(callId, close.item_id, "no", null);
    expect((await fetchCallScorecard(callId))!.items[1]).toMatchObject({ answer: "no", note: null, source: "manager" });
    await expect(overrideItem(callId, close.item_id, "partial", null)).rejects.toThrow("answer must be yes or no (partial where the item allows it)");
    await signIn(agent);
    try {
      // An agent sees only their own calls: another's is not found, nor overridden.
      await expect(fetchCallScorecard(callId)).rejects.toThrow("call not found");
      await expect(overrideItem(callId, close.item_id, "yes", null)).rejects.toBeTruthy();
    } finally {
      await signIn(manager);
    }
    expect((await fetchCallScorecard(callId))!.items[1].answer).toBe("no");
  });
  it("creates a scorecard with items, then renames it, edits one item and archives the other", async () => {
    const keys = [scorecardsQueryOptions(org.id).queryKey, callScorecardQueryOptions(callId).queryKey];
    const qc = clientWith(keys);
    const item = (question: string, position: number) => ({ key: keyFor(question, []), question, weight: 1, partial_credit: false, archived: false, position });
    const id = await runHook(() => useSaveScorecard(org.id), qc).mutateAsync({
      name: "Renewals", pass_score: 60, items: [item("Did the rep ask about the budget?", 1), item("Did the rep propose a next step?", 2)],
    });
    expect(invalidated(qc, keys)).toEqual([keys[0]]);
    const saved = (await fetchScorecards(org.id)).find((c) => c.id === id)!;
    expect(saved).toMatchObject({ name: "Renewals", pass_score: 60, org_id: org.id });
    expect(saved.items.map((i) => [i.key, i.question, i.position])).toEqual([
      ["ask_about_the_budget", "Did the rep ask about the budget?", 1], ["propose_a_next_step", "Did the rep propose a next step?", 2],
    ]);
    const [budget, next] = saved.items;
    await saveScorecard(org.id, {
      id, name: "Renewals 2", pass_score: 75,
      items: [
        { ...budget, question: "Did the rep confirm the budget?", weight: 3, partial_credit: true, archived: false },
        { ...next, archived: true },
      ],
    });
    const edited = (await fetchScorecards(org.id)).find((c) => c.id === id)!;
    expect(edited).toMatchObject({ name: "Renewals 2", pass_score: 75 });
    expect(edited.items.map((i) => [i.key, i.question, i.weight, i.partial_credit, i.archived])).toEqual([
      ["ask_about_the_budget", "Did the rep confirm the budget?", 3, true, false], ["propose_a_next_step", "Did the rep propose a next step?", 1, false, true],
    ]);
    expect(keyFor("Did the rep ask about the budget?", ["ask_about_the_budget"])).toBe("ask_about_the_budget_2");
    expect(keyFor("???", [])).toBe("item");
  });
});
