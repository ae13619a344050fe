// @vitest-environment node
// Referrals on the test stack, as a manager of an organization of the test's
// own: submit (duplicates refused), move along, reward, list and search.
import { admin, addMember, createOrg, signIn } from "../../testing/stack";
import { beforeAll, describe, expect, it } from "vitest";
import { clientWith, invalidated, runHook } from "../../testing/hooks";
import { fetchReferrals, REFERRAL_PAGE, referralsQueryOptions } from "./api/listReferrals";
import { setReferralReward, useSetReferralReward } from "./api/setReferralReward";
import { useSetReferralStatus } from "./api/setReferralStatus";
import { DUPLICATE_MESSAGE, submitReferral, useSubmitReferral } from "./api/submitReferral";

let org: Awaited<ReturnType<typeof createOrg>>;
let other: Awaited<ReturnType<typeof createOrg>>;
const row = async (id: string) => (await admin<Record<string, unknown>[]>(`referrals?select=*&id=eq.${id}`))[0];
const base = { referrer_kind: "customer" as const, referrer_name: "Rae Ref", referred_phone: null, referred_email: null, deal_value: null, notes: null };

beforeAll(async () => {
  org = await createOrg();
  other = await createOrg();
  await signIn(await addMember(org.id, "manager"));
}, 60_000);

describe("referrals api on the stack", () => {
  it("submits with every field, refuses a duplicate, moves it to won with a value and rewards it", async () => {
    const keys = [referralsQueryOptions(org.id).queryKey, ["activities", org.id]];
    const qc = clientWith(keys);
    const id = await runHook(() => useSubmitReferral(org.id), qc).mutateAsync({
      ...base, referred_name: "Lee Lead", referred_email: "lee@vitest.test", referred_phone: "+14155550123", deal_value: 250, notes: "met at the fair",
    });
    expect(invalidated(qc, keys)).toEqual([keys[0]]);
    expect(await row(id)).toMatchObject({ referrer_name: "Rae Ref", referred_name: "Lee Lead", referred_email: "lee@vitest.test", deal_value: 250, notes: "met at the fair", status: "submitted" });
    expect(String((await row(id)).referred_phone)).toContain("4155550123");
    const dup = await submitReferral(org.id, { ...base, referred_name: "Lee Again", referred_email: "lee@vitest.test" }).catch((e) => e);
    expect(dup.code).toBe("SP409");
    expect(DUPLICATE_MESSAGE).toMatch(/^Already referred/);

    for (const status of ["contacted", "qualified"] as const) {
      await runHook(() => useSetReferralStatus(org.id)).mutateAsync({ id, status, dealValue: null });
    }
    const qc2 = clientWith(keys);
    await runHook(() => useSetReferralStatus(org.id), qc2).mutateAsync({ id, status: "won", dealValue: 900 });
    expect(invalidated(qc2, keys)).toEqual([keys[0]]);
    expect(await row(id)).toMatchObject({ status: "won", deal_value: 900 });

    const qc3 = clientWith(keys);
    await runHook(() => useSetReferralReward(org.id), qc3).mutateAsync({ id, reward: "paid" });
    expect(invalidated(qc3, keys)).toEqual([keys[0]]);
    expect((await row(id)).reward_status).toBe("paid");
    await expect(setReferralReward(other.id, id, "none")).rejects.toThrow("only owners, admins and managers set rewards");
    expect((await row(id)).reward_status).toBe("paid");
  });
  it("lists by status and search, pages and counts", async () => {
    const plain = await submitReferral(org.id, { ...base, referred_name: "Pat Plain", referred_email: "pat@vitest.test" });
    const all = await fetchReferrals({ status: null, q: "", page: 1 });
    expect(all.total).toBe(2);
    expect(all.rows.map((r) => r.referred_name).sort()).toEqual(["Lee Lead", "Pat Plain"]);
    expect(all.counts).toMatchObject({ won: 1, submitted: 1 });
    const lee = all.rows.find((r) => r.referred_name === "Lee Lead")!;
    expect(lee.deal_value).toBe(900);
    expect(all.rows.find((r) => r.id === plain)!.deal_value).toBeNull();
    expect(Object.keys(lee)).not.toContain("total_count");
    expect(Object.keys(lee)).not.toContain("status_counts");
    expect((await fetchReferrals({ status: "won", q: "", page: 1 })).rows.map((r) => r.referred_name)).toEqual(["Lee Lead"]);
    expect((await fetchReferrals({ status: null, q: "  pat ", page: 1 })).rows.map((r) => r.referred_name)).toEqual(["Pat Plain"]);
    expect(await fetchReferrals({ status: null, q: "", page: 2 })).toEqual({ rows: [], total: 0, counts: {} });
    expect(REFERRAL_PAGE).toBe(25);
    const f = { status: null, q: "", page: 1 };
    expect(referralsQueryOptions(org.id, f).queryKey).toEqual(["referrals", org.id, "list", f]);
    expect(referralsQueryOptions(org.id).queryKey).toEqual(["referrals", org.id]);
    expect((await referralsQueryOptions(org.id).queryFn!({} as never)).total).toBe(2);
    expect(referralsQueryOptions(org.id).placeholderData).toBeTypeOf("function");
  });
});
