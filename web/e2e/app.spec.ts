// The manager's journey in a real browser against the real test stack, each
// test on a tenant of its own: its calls are posted through the Twilio
// stand-in and our signed webhook, and analyzed by the real pipeline.
import { expect, test } from "@playwright/test";
import { ANON_KEY, API_URL, rest, SERVICE_KEY, shot, signInAs } from "./helpers";
import { addMember, analyzed, createOrg, createTeam, createUser, NO_SALE, postCall, SALE, type Team } from "./fixtures";


/** A team with two analyzed calls, one a sale with an upsell and one not. */
async function teamWithCalls(): Promise<Team> {
  const team = await createTeam();
  for (const s of [SALE, NO_SALE]) await analyzed(await postCall(team.line, s, 24));
  return team;
}

test("public pages: landing, sign-in, 404; the app is guarded", async ({ page }) => {
  await page.goto("/");
  await expect(page.getByRole("heading", { name: /every sales call/i })).toBeVisible();
  await shot(page, "01-landing");
  await page.goto("/app/calls");
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fapp%2Fcalls/);
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await shot(page, "02-sign-in");
  await page.goto("/no/such/page");
  await expect(page.getByRole("heading", { name: "Page not found" })).toBeVisible();
  await shot(page, "03-not-found");
});

test("sign-in reports a clear error when it fails", async ({ page }) => {
  const user = await createUser("manager");
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(user.email);
  await page.getByLabel("Password").fill("wrong-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toHaveText("Wrong email or password.");
  await expect(page).toHaveURL(/\/sign-in/);
});

test("sign-out ends the session in this browser", async ({ page }) => {
  await signInAs(page, (await createTeam()).manager, "/app/calls");
  await expect(page.getByRole("heading", { name: "Calls", exact: true })).toBeVisible();
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await page.goto("/app/calls");
  await expect(page).toHaveURL(/\/sign-in\?next=/);
});

test("a manager sees KPIs that match the database", async ({ page }) => {
  const team = await teamWithCalls();
  await signInAs(page, team.manager, "/app?from=2000-01-01&to=2100-01-01");
  const calls = await rest<{ id: string }[]>(`calls?select=id&org_id=eq.${team.org.id}`);
  const insights = await rest<{ converted: boolean; upsell_amount: string }[]>(
    `insights?select=converted,upsell_amount&is_current=is.true&org_id=eq.${team.org.id}`,
  );
  expect(calls.length).toBe(2);
  await expect(page.getByTestId("kpi-calls")).toHaveAttribute("data-value", String(calls.length));
  await expect(page.getByTestId("kpi-analyzed_calls")).toHaveAttribute("data-value", String(insights.length));
  const upsell = insights.reduce((a, i) => a + Number(i.upsell_amount), 0);
  expect(Number(await page.getByTestId("kpi-upsell_revenue").getAttribute("data-value"))).toBeCloseTo(upsell, 2);
  const rate = insights.filter((i) => i.converted).length / insights.length;
  expect(Number(await page.getByTestId("kpi-conversion_rate").getAttribute("data-value"))).toBeCloseTo(rate, 3);
  await shot(page, "04-dashboard");
});

test("search a call by a phrase, open it, play it, seek, comment", async ({ page }) => {
  // The call to open: the team's call that mentions the phrase and has key moments.
  const team = await teamWithCalls();
  const transcripts = await rest<{ call_id: string }[]>(
    `transcripts?select=call_id&org_id=eq.${team.org.id}&full_text=ilike.*battery*`,
  );
  expect(transcripts.length).toBe(1);
  const insights = await rest<{ call_id: string; data: { key_moments: unknown[] } }[]>(
    `insights?select=call_id,data&is_current=is.true&call_id=in.(${transcripts.map((t) => t.call_id).join(",")})`,
  );
  const target = insights.find((i) => i.data.key_moments.length > 0)?.call_id;
  expect(target, "the sale mentions a battery and has key moments").toBeTruthy();

  await signInAs(page, team.manager, "/app/calls");
  await expect(page.getByTestId("call-row").first()).toBeVisible();
  await shot(page, "05-calls");
  await page.getByPlaceholder("Search transcripts…").fill("battery");
  await page.getByPlaceholder("Search transcripts…").press("Enter");
  await expect(page).toHaveURL(/q=battery/);
  const rows = page.getByTestId("call-row");
  await expect(rows).toHaveCount(1);
  await expect(rows).toContainText(/battery/i);
  await page.locator(`[data-testid="call-row"] a[href="/app/calls/${target}"]`).first().click();
  await expect(page).toHaveURL(new RegExp(`/app/calls/${target}`));

  const audio = page.getByTestId("audio-player");
  await expect(audio).toBeVisible();
  const sentences = page.getByTestId("transcript-sentence");
  await expect(sentences.first()).toBeVisible();
  // Play: the highlight follows the audio.
  await audio.evaluate((a: HTMLAudioElement) => a.play());
  await expect.poll(() => audio.evaluate((a: HTMLAudioElement) => a.currentTime), { timeout: 15_000 }).toBeGreaterThan(0.3);
  const third = sentences.nth(2);
  const start = Number(await third.getAttribute("data-start"));
  await audio.evaluate((a: HTMLAudioElement, t: number) => { a.currentTime = t + 0.2; }, start);
  await expect(third).toHaveAttribute("aria-current", "true");
  await shot(page, "06-call-detail");

  // A key moment seeks the player.
  const moment = page.getByTestId("key-moment").first();
  const at = Number(await moment.getAttribute("data-time"));
  // Move the player away from the moment first, so the click has to seek.
  await audio.evaluate((a: HTMLAudioElement, t: number) => { a.currentTime = t > 3 ? 0 : t + 3; }, at);
  await moment.click();
  await expect.poll(() => audio.evaluate((a: HTMLAudioElement, t: number) => Math.abs(a.currentTime - t), at), { timeout: 5_000 })
    .toBeLessThan(1);
  // Clicking a sentence seeks to its start.
  const second = sentences.nth(1);
  const s2 = Number(await second.getAttribute("data-start"));
  await audio.evaluate((a: HTMLAudioElement, t: number) => { a.currentTime = t + 5; }, s2);
  await second.click();
  await expect.poll(() => audio.evaluate((a: HTMLAudioElement, t: number) => Math.abs(a.currentTime - t), s2), { timeout: 5_000 })
    .toBeLessThan(1);

  // A comment pinned to the current time.
  await audio.evaluate((a: HTMLAudioElement) => a.pause());
  const text = `Great discovery question ${Date.now()}`;
  await page.getByLabel(/comment/i).fill(text);
  await page.getByRole("button", { name: /add comment/i }).click();
  await expect(page.getByTestId("comment").filter({ hasText: text })).toBeVisible();
});

test("the other organization's manager sees none of it", async ({ page }) => {
  const mine = await teamWithCalls();
  const other = await createTeam();
  await analyzed(await postCall(other.line, NO_SALE, 24));
  const acmeCalls = await rest<{ id: string }[]>(`calls?select=id&org_id=eq.${mine.org.id}`);
  const globexCalls = await rest<{ id: string }[]>(`calls?select=id&org_id=eq.${other.org.id}`);
  expect(globexCalls.length).toBe(1);
  await signInAs(page, other.manager, "/app?from=2000-01-01&to=2100-01-01");
  await expect(page.getByTestId("kpi-calls")).toHaveAttribute("data-value", String(globexCalls.length));
  await page.goto("/app/calls");
  await expect(page.getByTestId("call-row")).toHaveCount(globexCalls.length);
  const links = await page.locator('[data-testid="call-row"] a').evaluateAll((as) => as.map((a) => a.getAttribute("href")));
  for (const c of acmeCalls) expect(links).not.toContain(`/app/calls/${c.id}`);
  await page.goto(`/app/calls/${acmeCalls[0].id}`);
  await expect(page.getByText(/not found/i).first()).toBeVisible();
  await shot(page, "07-other-tenant");
});

test("a manager on a plan without coaching sees an upgrade prompt, and SQL refuses the comment", async ({ page }) => {
  // A tenant on the free plan (no coaching), with a call of its own.
  const free = await createOrg({ room: false });
  const manager = await addMember(free.id, "manager");
  const sid = "CA" + crypto.randomUUID().replaceAll("-", "");
  const [call] = await rest<{ id: string }[]>("calls", {
    method: "POST",
    headers: { prefer: "return=representation" },
    body: JSON.stringify({ org_id: free.id, twilio_call_sid: sid, status: "received", started_at: new Date().toISOString(), duration_seconds: 60 }),
  });
  await signInAs(page, manager, `/app/calls/${call.id}`);
  const prompt = page.getByTestId("upgrade-coaching");
  await expect(prompt).toBeVisible();
  await expect(page.getByLabel(/Add a comment/)).toHaveCount(0);
  await shot(page, "07b-upgrade-coaching");
  await prompt.getByRole("link", { name: /Compare plans/ }).click();
  await expect(page).toHaveURL(/\/app\/billing/);
  // The prompt is only the screen's side: the write itself is refused.
  const token = await page.evaluate(() => {
    const key = Object.keys(localStorage).find((k) => k.endsWith("-auth-token"));
    return key ? JSON.parse(localStorage.getItem(key)!).access_token as string : "";
  });
  const res = await fetch(`${API_URL}/rest/v1/call_comments`, {
    method: "POST",
    headers: { apikey: ANON_KEY, authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: JSON.stringify({ org_id: free.id, call_id: call.id, at_seconds: 1, body: "From outside the screen" }),
  });
  expect(res.ok).toBe(false);
  expect((await res.json()).code).toBe("SP402");
});

test("an owner provisions a number through the Twilio stand-in", async ({ page }) => {
  const { org } = await createTeam();
  await signInAs(page, org.owner, "/app/numbers");
  await expect(page.getByTestId("number-row")).toHaveCount(1);
  await page.getByLabel(/area code/i).fill("628");
  await page.getByRole("button", { name: /search/i }).click();
  const first = page.getByTestId("available-number").first();
  await expect(first).toBeVisible();
  await shot(page, "08-numbers-search");
  const e164 = (await first.textContent())?.match(/\+1\d{10}/)?.[0];
  await first.click();
  await page.getByRole("button", { name: /^buy/i }).click();
  await expect(page.getByText(/now ring/i)).toBeVisible({ timeout: 20_000 });
  const rows = await rest<{ e164: string; status: string }[]>(`phone_numbers?select=e164,status&org_id=eq.${org.id}&e164=eq.${encodeURIComponent(e164 ?? "")}`);
  expect(rows).toEqual([{ e164, status: "active" }]);
  const state = await (await fetch(`${process.env.TWILIO_SANDBOX_URL}/_sandbox/state`)).json();
  const bought = state.incoming_phone_numbers.find((n: { phone_number: string }) => n.phone_number === e164);
  expect(bought.voice_url).toBe(`${API_URL}/functions/v1/twilio-voice`);
  await shot(page, "09-numbers-ready");
});

test("billing, agents and script screens render for the owner", async ({ page }) => {
  const { org } = await createTeam();
  await signInAs(page, org.owner, "/app/billing");
  await expect(page.getByTestId("usage-phone_numbers")).toBeVisible();
  await shot(page, "10-billing");
  await page.goto("/app/agents");
  await expect(page.getByText("Alex Agent").first()).toBeVisible();
  await shot(page, "11-agents");
  await page.goto("/app/script");
  await expect.poll(() => page.locator("input").evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value)))
    .toContain("Sales call");
  await shot(page, "12-script");
});

test("works at phone width", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await signInAs(page, (await teamWithCalls()).manager, "/app");
  await expect(page.getByTestId("kpi-calls")).toBeVisible();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(1);
  await shot(page, "13-dashboard-phone");
});

test("an owner picks a plan, pays in the Stripe stand-in's Checkout, and the webhook moves the organization", async ({ page }) => {
  const org = await createOrg({ room: false });
  const ORG = org.id;
  await signInAs(page, org.owner, "/app/billing");
  const starter = page.getByRole("button", { name: /choose/i }).and(page.locator("[data-plan='starter']"));
  await expect(starter).toBeVisible();
  await starter.click();
  // Stripe's hosted Checkout (the stand-in's page).
  await expect(page).toHaveURL(/\/checkout\/cs_/);
  await shot(page, "14-stripe-checkout");
  await page.getByRole("button", { name: /^pay$|start trial/i }).click();
  // Back on the billing page; `?checkout=success` is dropped as soon as the plan shows, which
  // may already be the case when the webhook was quicker than the redirect.
  await expect(page).toHaveURL(/\/app\/billing(\?checkout=success)?$/);
  await expect(page.getByText(/Starter/).first()).toBeVisible();
  await expect.poll(async () => {
    const [s] = await rest<{ status: string; plan: { key: string } }[]>(`subscriptions?select=status,plan:plans(key)&org_id=eq.${ORG}`);
    return `${s?.status}:${s?.plan?.key}`;
  }, { timeout: 20_000 }).toBe("active:starter");
  // Replaying every delivered event changes nothing.
  const stripe = process.env.STRIPE_SANDBOX_URL!;
  const deliveries = await (await fetch(`${stripe}/_sandbox/deliveries?ok=true`)).json();
  const ids = [...new Set(deliveries.data.map((d: { event_id: string }) => d.event_id))];
  const before = await rest(`subscriptions?select=status,seats,plan_id,current_period_end&org_id=eq.${ORG}`);
  await fetch(`${stripe}/_sandbox/webhooks/deliver`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ events: ids }) });
  await fetch(`${stripe}/_sandbox/webhooks/settle`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
  expect(await rest(`subscriptions?select=status,seats,plan_id,current_period_end&org_id=eq.${ORG}`)).toEqual(before);
  // The checkout's first invoice is recorded once (the replay added none), paid, and listed.
  const invoices = await rest<{ stripe_invoice_id: string; status: string; amount_paid_cents: number }[]>(
    `invoices?select=stripe_invoice_id,status,amount_paid_cents&org_id=eq.${ORG}&order=last_event_at.desc`,
  );
  expect(invoices.map((i) => i.status)).toEqual(["paid"]);
  expect(invoices[0].amount_paid_cents).toBeGreaterThan(0);
  await page.reload();
  await expect(page).toHaveURL(/\/app\/billing$/);
  await expect(page.getByTestId("invoice-row")).toHaveCount(1);
  await expect(page.getByTestId("invoice-row").first()).toContainText("Paid");
  await shot(page, "15-billing-after-checkout");
});

test("an owner invites a teammate; the invitation is listed and emailed", async ({ page }) => {
  const org = await createOrg();
  await signInAs(page, org.owner, "/app/members");
  await expect(page.getByTestId("member-row")).toHaveCount(1);
  const email = `new.rep.${Date.now()}@e2e.test`;
  await page.getByRole("form", { name: "Invite a teammate" }).getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByText(new RegExp(`Invitation sent to ${email.replace(/\./g, "\\.")}`))).toBeVisible();
  await expect(page.getByTestId("invitation-row").filter({ hasText: email })).toBeVisible();
  const [inv] = await rest<{ id: string }[]>(`invitations?select=id&email=eq.${email}`);
  const jobs = await rest<{ kind: string }[]>(`jobs?select=kind&dedupe_key=eq.invitation:${inv.id}`);
  expect(jobs).toEqual([{ kind: "send_email" }]);
  // The worker sends it through Mailgun (the stand-in here).
  await fetch(`${API_URL}/functions/v1/process-jobs`, {
    method: "POST",
    headers: { authorization: `Bearer ${SERVICE_KEY}`, "content-type": "application/json" },
    body: "{}",
  });
  await expect.poll(async () => {
    const r = await (await fetch(`${process.env.MAILGUN_SANDBOX_URL}/_sandbox/messages?to=${encodeURIComponent(email)}`)).json();
    return r.items.map((m: { subject: string }) => m.subject);
  }, { timeout: 20_000 }).toEqual([`You're invited to join ${org.name} on SalesPulse`]);
  await shot(page, "16-members");
});
