// The staff console in a real browser against the test stack: staff land on
// it, and its figures are the database's; tenants can't open it; a staff
// member with an organization moves between the two and signs out.
import { expect, test } from "@playwright/test";
import { rest, shot, signInAs } from "./helpers";
import { addMember, analyzed, createOrg, createStaff, createTeam, postCall, SALE } from "./fixtures";

test("staff land on the tenant margins, whose figures match the database", async ({ page }) => {
  // A tenant with provider costs of its own: one analyzed call.
  const team = await createTeam();
  const ORG = team.org.id;
  await analyzed(await postCall(team.line, SALE));
  await signInAs(page, await createStaff(), "/app");
  await expect(page).toHaveURL(/\/staff/);
  await expect(page.getByRole("heading", { name: "Tenant margins" })).toBeVisible();
  await page.getByLabel("Period").selectOption("365");
  await expect(page).toHaveURL(/days=365/);

  const since = new Date(Date.now() - 364 * 864e5).toISOString().slice(0, 10);
  const costs = await rest<{ cost_usd: string }[]>(`provider_costs?select=cost_usd&org_id=eq.${ORG}&occurred_at=gte.${since}`);
  const orgs = await rest<{ id: string }[]>("organizations?select=id");
  expect(costs.length).toBeGreaterThan(0);
  const row = page.locator(`[data-testid=tenant-row][data-org="${ORG}"]`);
  await expect(row).toBeVisible();
  await expect(page.getByTestId("tenant-row")).toHaveCount(orgs.length);
  const cost = costs.reduce((a, c) => a + Number(c.cost_usd), 0);
  expect(Number(await row.getByTestId("tenant-cost").getAttribute("data-value"))).toBeCloseTo(cost, 4);
  // Revenue is what the tenant's paid invoices say.
  const invoices = await rest<{ amount_paid_cents: number }[]>(
    `invoices?select=amount_paid_cents&org_id=eq.${ORG}&status=eq.paid&paid_at=gte.${since}`,
  );
  const revenue = invoices.reduce((a, i) => a + i.amount_paid_cents, 0) / 100;
  expect(Number(await row.getByTestId("tenant-revenue").getAttribute("data-value"))).toBeCloseTo(revenue, 2);
  if (revenue > 0) {
    const margin = ((revenue - cost) / revenue) * 100;
    const badge = (await row.locator(".badge").textContent()) ?? "";
    const m = /^(-?\d+)% · (meets|below) 80%$/.exec(badge.trim());
    expect(m, badge).not.toBeNull();
    expect(Math.abs(Number(m![1]) - margin)).toBeLessThanOrEqual(0.5 + 1e-9); // shown rounded to a whole percent
    expect(m![2]).toBe(margin >= 80 ? "meets" : "below");
  } else {
    await expect(row).toContainText("costs, no revenue");
  }
  await shot(page, "17-staff-margins");
});

test("a tenant's owner is told the staff console is not theirs", async ({ page }) => {
  await signInAs(page, (await createOrg()).owner, "/staff");
  await expect(page.getByRole("heading", { name: "Staff only" })).toBeVisible();
  await expect(page.getByTestId("tenant-row")).toHaveCount(0);
});

test("staff search a tenant, open it, retry a dead job, suspend and reactivate it, cap its budget — every action logged", async ({ page }) => {
  const tag = Math.random().toString(36).slice(2, 8);
  const org = await createOrg({ name: `Staff E2E ${tag}`, room: false });
  await rest("jobs", {
    method: "POST",
    body: JSON.stringify({ kind: "analyze_call", org_id: org.id, status: "dead", attempts: 5, last_error: "e2e: provider down", finished_at: new Date().toISOString() }),
    headers: { prefer: "return=representation" },
  });

  await signInAs(page, await createStaff(), "/staff");
  await page.getByRole("navigation", { name: "Staff" }).getByRole("link", { name: "Tenants" }).click();
  await expect(page).toHaveURL(/\/staff\/tenants/);
  await page.getByLabel("Search").fill(`Staff E2E ${tag}`);
  await expect(page.getByTestId("staff-tenant-row")).toHaveCount(1);
  await page.getByRole("link", { name: `Staff E2E ${tag}` }).click();
  await expect(page.getByRole("heading", { name: `Staff E2E ${tag}` })).toBeVisible();
  await expect(page.getByTestId("tenant-state")).toHaveText("Active.");

  await expect(page.getByTestId("dead-job-row")).toContainText("e2e: provider down");
  await page.getByTestId("dead-job-row").getByRole("button", { name: "Retry" }).click();
  await expect(page.getByTestId("no-dead-jobs")).toBeVisible();

  await page.getByLabel("Reason for suspending").fill("e2e: unpaid");
  await page.getByRole("button", { name: "Suspend" }).click();
  await expect(page.getByTestId("tenant-state")).toContainText("Suspended since");
  await expect(page.getByTestId("tenant-state")).toContainText("e2e: unpaid");
  await shot(page, "21-staff-tenant-suspended");
  await page.getByRole("button", { name: "Reactivate" }).click();
  await expect(page.getByTestId("tenant-state")).toHaveText("Active.");

  await page.getByLabel("Monthly cap (USD, empty for none)").fill("50");
  await page.getByRole("button", { name: "Save cap" }).click();
  await expect(page.getByTestId("budget-spent")).toContainText("of $50.00");

  await expect(page.getByTestId("staff-action")).toHaveCount(4);
  const actions = await rest<{ action: string }[]>(`staff_actions?select=action&org_id=eq.${org.id}&action=neq.view_tenant&order=id`);
  expect(actions.map((a) => a.action)).toEqual(["retry_job", "suspend", "reactivate", "set_budget_cap"]);
});

test("a tenant's owner cannot open a tenant page", async ({ page }) => {
  const { id, owner } = await createOrg();
  await signInAs(page, owner, `/staff/tenants/${id}`);
  await expect(page.getByRole("heading", { name: "Staff only" })).toBeVisible();
});

test("a staff member who is also in an organization moves between it and the console, and signs out from the console", async ({ page }) => {
  const org = await createOrg({ name: `Staff home ${Math.random().toString(36).slice(2, 8)}` });
  const staff = await createStaff();
  await addMember(org.id, "manager", staff);
  await signInAs(page, staff, "/app");
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Staff" }).click();
  await expect(page).toHaveURL(/\/staff$/);
  await expect(page.getByRole("heading", { name: "Tenant margins" })).toBeVisible();
  await page.getByRole("link", { name: `Open ${org.name}` }).click();
  await expect(page).toHaveURL(/\/app$/);
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
  await page.goto("/staff/tenants");
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await page.goto("/staff");
  await expect(page).toHaveURL(/\/sign-in\?next=%2Fstaff/);
});
