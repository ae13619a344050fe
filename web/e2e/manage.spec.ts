// The management flows on the real stack, each in a tenant of its own (so the
// tests hold alone and in any order): members (role change, removal,
// invitation revoke, leaving), agents (add, edit), the call script, reassigning a
// number, seats and the Billing Portal, the yearly interval, the analysis model, the leaderboard and the dashboard's
// filters, the call list's filters and what an agent sees, and re-analysis.
// Every user signs in through the form; every change is read back from the
// database.
import { expect, test } from "@playwright/test";
import { DEMO_PASSWORD, rest, signInWithForm } from "./helpers";
import { addMember, analyzed, createAgent, createNumber, createOrg, NO_SALE, postCall, SALE } from "./fixtures";


test("members: an owner changes a role, removes a member (who loses access), revokes an invitation", async ({ page, browser }) => {
  const org = await createOrg();
  const manager = await addMember(org.id, "manager");
  const agent = await addMember(org.id, "agent");
  await signInWithForm(page, org.owner.email, DEMO_PASSWORD);
  await page.goto("/app/members");
  await expect(page.getByTestId("member-row")).toHaveCount(3);

  // Role change: the agent becomes a manager.
  await page.getByLabel(`Role of ${agent.email}`).selectOption("manager");
  await expect.poll(async () => (await rest<{ role: string }[]>(`memberships?select=role&org_id=eq.${org.id}&user_id=eq.${agent.id}`))[0]?.role)
    .toBe("manager");

  // The manager, signed in elsewhere, is removed: their next look finds nothing of the organization.
  const other = await browser.newPage();
  await signInWithForm(other, manager.email, DEMO_PASSWORD);
  await page.getByRole("button", { name: `Remove ${manager.email}` }).click();
  await page.getByRole("button", { name: "Remove member" }).click();
  await expect(page.getByTestId("member-row")).toHaveCount(2);
  expect(await rest(`memberships?select=role&org_id=eq.${org.id}&user_id=eq.${manager.id}`)).toEqual([]);
  await other.goto("/app/members");
  await expect(other.getByRole("heading", { name: "Create your organization" })).toBeVisible();
  await expect(other.getByText(`Members of ${org.name}`)).toHaveCount(0);
  await other.close();

  // An invitation sent, then revoked.
  const email = `revoked.${Date.now()}@e2e.test`;
  await page.getByRole("form", { name: "Invite a teammate" }).getByLabel("Email").fill(email);
  await page.getByRole("button", { name: "Send invitation" }).click();
  await expect(page.getByTestId("invitation-row").filter({ hasText: email })).toBeVisible();
  await page.getByRole("button", { name: `Revoke invitation for ${email}` }).click();
  await expect(page.getByTestId("invitation-row").filter({ hasText: email })).toHaveCount(0);
  const [inv] = await rest<{ revoked_at: string | null }[]>(`invitations?select=revoked_at&org_id=eq.${org.id}&email=eq.${email}`);
  expect(inv.revoked_at).not.toBeNull();
});

test("agents: an owner adds an agent linked to a member, then edits it", async ({ page }) => {
  const org = await createOrg();
  const member = await addMember(org.id, "agent");
  await signInWithForm(page, org.owner.email, DEMO_PASSWORD);
  await page.goto("/app/agents");
  await page.getByRole("button", { name: "Add agent" }).click();
  const form = page.getByRole("form", { name: "New agent" });
  await form.getByLabel("Name").fill("Robin Rep");
  await form.getByLabel("Phone").fill("+1 415 555 0199");
  await form.getByLabel("Linked member (optional)").selectOption(member.id);
  await form.getByRole("button", { name: "Add agent" }).click();
  await expect(page.getByText("Robin Rep was added.")).toBeVisible();
  await expect(page.getByTestId("agent-row").filter({ hasText: "Robin Rep" })).toBeVisible();
  expect(await rest(`agents?select=name,phone,user_id,active&org_id=eq.${org.id}`))
    .toEqual([{ name: "Robin Rep", phone: "+14155550199", user_id: member.id, active: true }]);

  await page.getByRole("button", { name: "Edit Robin Rep" }).click();
  const edit = page.getByRole("form", { name: "Edit Robin Rep" });
  await edit.getByLabel("Name").fill("Robin Closer");
  await edit.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByTestId("agent-row").filter({ hasText: "Robin Closer" })).toBeVisible();
  expect(await rest(`agents?select=name&org_id=eq.${org.id}`)).toEqual([{ name: "Robin Closer" }]);
});

test("script: an owner writes the call script and saves it", async ({ page }) => {
  const org = await createOrg();
  await signInWithForm(page, org.owner.email, DEMO_PASSWORD);
  await page.goto("/app/script");
  const form = page.getByRole("form", { name: "Call script" });
  await form.getByLabel("Script name").fill("E2E inbound");
  for (const step of ["Greet the caller", "Offer the battery"]) {
    await form.getByLabel("Label").fill(step);
    await form.getByRole("button", { name: "Add step" }).click();
  }
  await expect(page.getByTestId("script-item")).toHaveCount(2);
  await form.getByRole("button", { name: "Save script" }).click();
  await expect(page.getByText("All changes saved")).toBeVisible();
  const scripts = await rest<{ name: string; is_default: boolean; items: { label: string }[] }[]>(
    `call_scripts?select=name,is_default,items&org_id=eq.${org.id}`,
  );
  expect(scripts.map((s) => ({ name: s.name, is_default: s.is_default, labels: s.items.map((i) => i.label) })))
    .toEqual([{ name: "E2E inbound", is_default: true, labels: ["Greet the caller", "Offer the battery"] }]);
});

test("analysis model: an owner chooses the larger model on the billing screen; the next call is analyzed with it", async ({ page }) => {
  const org = await createOrg();
  const agent = await createAgent(org.id, "Morgan Model");
  const line = await createNumber(org.id, agent.id);
  const before = await analyzed(await postCall(line.e164, SALE));
  await signInWithForm(page, org.owner.email, DEMO_PASSWORD);
  await page.goto("/app/billing");
  const select = page.getByLabel("Model for call analysis");
  await expect(select).toHaveValue("");
  await expect(select.locator("option:checked")).toHaveText("Plan default (gpt-4o-mini)");
  await select.selectOption("gpt-4o");
  await expect.poll(async () => (await rest<{ analysis_model: string | null }[]>(
    `organizations?select=analysis_model&id=eq.${org.id}`,
  ))[0].analysis_model).toBe("gpt-4o");
  await page.reload();
  await expect(page.getByLabel("Model for call analysis")).toHaveValue("gpt-4o");
  const after = await analyzed(await postCall(line.e164, SALE));
  const modelOf = async (callId: string) =>
    (await rest<{ model: string }[]>(`insights?select=model&call_id=eq.${callId}&is_current=eq.true`))[0].model;
  expect([await modelOf(before.id), await modelOf(after.id)]).toEqual(["gpt-4o-mini", "gpt-4o"]);
});

test("numbers: an owner moves a line to another agent", async ({ page }) => {
  const org = await createOrg();
  const first = await createAgent(org.id, "First Agent");
  const second = await createAgent(org.id, "Second Agent");
  const line = await createNumber(org.id, first.id);
  await signInWithForm(page, org.owner.email, DEMO_PASSWORD);
  await page.goto("/app/numbers");
  const select = page.getByLabel(`Agent for ${line.e164}`);
  await expect(select).toHaveValue(first.id);
  await select.selectOption(second.id);
  await expect.poll(async () => (await rest<{ agent_id: string }[]>(`phone_numbers?select=agent_id&id=eq.${line.id}`))[0].agent_id)
    .toBe(second.id);
  await page.reload();
  await expect(page.getByLabel(`Agent for ${line.e164}`)).toHaveValue(second.id);
});

test("billing: after Checkout an owner adds a seat and cancels in the Billing Portal", async ({ page }) => {
  const org = await createOrg({ room: false });
  await signInWithForm(page, org.owner.email, DEMO_PASSWORD);
  await page.goto("/app/billing");
  await page.getByRole("button", { name: /choose/i }).and(page.locator("[data-plan='starter']")).click();
  await expect(page).toHaveURL(/\/checkout\/cs_/);
  await page.getByRole("button", { name: /^pay$|start trial/i }).click();
  await expect(page).toHaveURL(/\/app\/billing/);
  const sub = async () =>
    (await rest<{ seats: number; status: string; cancel_at_period_end: boolean }[]>(
      `subscriptions?select=seats,status,cancel_at_period_end&org_id=eq.${org.id}`,
    ))[0];
  await expect.poll(async () => (await sub())?.status, { timeout: 20_000 }).toMatch(/^(active|trialing)$/);
  const seats = (await sub()).seats;

  await page.reload();
  const group = page.getByRole("group", { name: "Paid seats" });
  await group.getByRole("button", { name: "Add a seat" }).click();
  await group.getByRole("button", { name: "Update seats" }).click();
  await expect(page.getByText(`Seat change to ${seats + 1} requested`)).toBeVisible();
  await expect.poll(async () => (await sub()).seats, { timeout: 20_000 }).toBe(seats + 1);

  await page.getByRole("button", { name: "Manage billing" }).first().click();
  await expect(page).toHaveURL(/\/portal\/bps_|\/portal\//);
  await page.getByRole("button", { name: "Cancel plan" }).click();
  await expect(page.getByText("Your plan was updated.")).toBeVisible();
  await expect.poll(async () => (await sub()).cancel_at_period_end, { timeout: 20_000 }).toBe(true);
  await page.getByRole("link", { name: "← Return" }).click();
  await expect(page).toHaveURL(/\/app\/billing/);
});

test("dashboard: the leaderboard ranks the tenant's agents and filters the dashboard; the period filter applies", async ({ page }) => {
  const org = await createOrg();
  const manager = await addMember(org.id, "manager");
  const seller = await createAgent(org.id, "Sally Seller");
  const other = await createAgent(org.id, "Oliver Other");
  const sellerLine = await createNumber(org.id, seller.id);
  const otherLine = await createNumber(org.id, other.id);
  await analyzed(await postCall(sellerLine.e164, SALE));
  await analyzed(await postCall(otherLine.e164, NO_SALE));
  await analyzed(await postCall(otherLine.e164, NO_SALE));

  await signInWithForm(page, manager.email, DEMO_PASSWORD);
  await page.goto("/app");
  await expect(page.getByTestId("kpi-calls")).toHaveAttribute("data-value", "3");
  const rows = page.getByTestId("leaderboard-row");
  await expect(rows).toHaveCount(2);
  // Ranked by upsell revenue: the seller first.
  await expect(rows.nth(0)).toContainText("Sally Seller");
  await expect(rows.nth(1)).toContainText("Oliver Other");

  await rows.nth(1).getByRole("button", { name: "Oliver Other" }).click();
  await expect(page.getByTestId("kpi-calls")).toHaveAttribute("data-value", "2");
  await page.getByRole("button", { name: "Oliver Other" }).click();
  await expect(page.getByTestId("kpi-calls")).toHaveAttribute("data-value", "3");

  // A period before any call: nothing.
  const filters = page.getByRole("region", { name: "Dashboard filters" });
  await filters.locator("input[name=to]").fill("2001-01-31");
  await filters.locator("input[name=from]").fill("2001-01-01");
  await expect(page.getByTestId("kpi-calls")).toHaveAttribute("data-value", "0");
  await expect(page).toHaveURL(/from=2001-01-01/);
});

test("re-analysis: a manager re-runs a call's analysis from its page; the history is kept", async ({ page }) => {
  const org = await createOrg();
  const manager = await addMember(org.id, "manager");
  const agent = await createAgent(org.id, "Riley Rep");
  const line = await createNumber(org.id, agent.id);
  const call = await analyzed(await postCall(line.e164, SALE));

  await signInWithForm(page, manager.email, DEMO_PASSWORD);
  await page.goto(`/app/calls/${call.id}`);
  await expect(page.getByTestId("call-status")).toHaveText(/analyzed/i);
  await page.getByRole("button", { name: "Re-analyze" }).click();
  await expect.poll(async () => (await rest<{ is_current: boolean }[]>(
    `insights?select=is_current&call_id=eq.${call.id}&order=created_at`,
  )).map((i) => i.is_current), { timeout: 45_000 }).toEqual([false, true]);
  await expect(page.getByTestId("call-status")).toHaveText(/analyzed/i, { timeout: 20_000 });
  await expect(page.getByRole("button", { name: "Re-analyze" })).toBeEnabled();
});

test("calls: a manager filters the list by outcome; an agent sees only their own calls", async ({ page, browser }) => {
  const org = await createOrg();
  const manager = await addMember(org.id, "manager");
  const sellerUser = await addMember(org.id, "agent");
  const seller = await createAgent(org.id, "Sam Seller", sellerUser);
  const other = await createAgent(org.id, "Olga Other");
  await analyzed(await postCall((await createNumber(org.id, seller.id)).e164, SALE));
  await analyzed(await postCall((await createNumber(org.id, other.id)).e164, NO_SALE));

  await signInWithForm(page, manager.email, DEMO_PASSWORD);
  await page.goto("/app/calls");
  const rows = page.getByTestId("call-row");
  await expect(rows).toHaveCount(2);
  await page.getByRole("region", { name: "Filter calls" }).locator("select[name=outcome]").selectOption("converted");
  await expect(page).toHaveURL(/outcome=converted/);
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText("Sam Seller");

  const agent = await browser.newPage();
  await signInWithForm(agent, sellerUser.email, DEMO_PASSWORD);
  await agent.goto("/app/calls");
  await expect(agent.getByTestId("call-row")).toHaveCount(1);
  await expect(agent.getByTestId("call-row").first()).toContainText("Sam Seller");
  await agent.close();
});

test("members: a member leaves the organization and lands on the welcome screen", async ({ page }) => {
  const org = await createOrg();
  const leaver = await addMember(org.id, "manager");
  await signInWithForm(page, leaver.email, DEMO_PASSWORD);
  await page.goto("/app/members");
  await page.getByRole("button", { name: "Leave organization" }).click();
  await page.getByRole("button", { name: `Leave ${org.name}` }).click();
  await expect(page.getByRole("heading", { name: "Create your organization" })).toBeVisible();
  expect(await rest(`memberships?select=role&org_id=eq.${org.id}&user_id=eq.${leaver.id}`)).toEqual([]);
});

// Stripe refuses a subscription whose prices recur at different intervals: the yearly Checkout sends the
// yearly seat price with the plan's yearly overage price (this test found the monthly one sent with it).
test("billing: an owner chooses the yearly interval; Checkout starts a yearly subscription", async ({ page }) => {
  const org = await createOrg({ room: false });
  await signInWithForm(page, org.owner.email, DEMO_PASSWORD);
  await page.goto("/app/billing");
  await page.getByLabel("Yearly").check();
  await page.getByRole("button", { name: /choose/i }).and(page.locator("[data-plan='starter']")).click();
  await expect(page).toHaveURL(/\/checkout\/cs_/);
  await page.getByRole("button", { name: /^pay$|start trial/i }).click();
  await expect(page).toHaveURL(/\/app\/billing/);
  await expect.poll(async () => (await rest<{ billing_interval: string | null; status: string }[]>(
    `subscriptions?select=billing_interval,status&org_id=eq.${org.id}`,
  ))[0]?.billing_interval ?? null, { timeout: 20_000 }).toBe("year");
  await page.reload();
  await expect(page.getByLabel("Yearly")).toBeChecked();
});
