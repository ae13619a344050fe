// Accessibility: axe-core (the engine behind most a11y checkers) runs in the
// real browser on every screen, signed in as the role that sees it. Serious
// and critical WCAG 2 A/AA violations fail the test, listed with their nodes.
import { expect, type Page, test } from "@playwright/test";
import { createRequire } from "node:module";
import { signInAs } from "./helpers";
import { analyzed, createStaff, createTeam, postCall, SALE, type Team, type User } from "./fixtures";

const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");

async function violations(page: Page) {
  await page.addScriptTag({ path: AXE });
  return await page.evaluate(async () => {
    // deno-lint-ignore no-explicit-any
    const axe = (window as any).axe;
    const r = await axe.run(document, { runOnly: { type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] } });
    return r.violations
      .filter((v: { impact: string }) => v.impact === "serious" || v.impact === "critical")
      .map((v: { id: string; help: string; nodes: { target: string[] }[] }) =>
        `${v.id}: ${v.help} — ${v.nodes.slice(0, 5).map((n) => n.target.join(" ")).join(", ")}`
      );
  });
}

const PUBLIC = ["/", "/sign-in", "/sign-up", "/reset-password", "/no/such/page"];
for (const path of PUBLIC) {
  test(`a11y: ${path}`, async ({ page }) => {
    await page.goto(path);
    await expect(page.locator("h1").first()).toBeVisible();
    expect(await violations(page)).toEqual([]);
  });
}

/** One tenant for every signed-in screen of this file (with an analyzed call), and a staff member. */
let who: Promise<{ team: Team; staff: User }> | null = null;
function people() {
  who ??= (async () => {
    const team = await createTeam({ name: "Acme Inc" });
    await analyzed(await postCall(team.line, SALE));
    return { team, staff: await createStaff() };
  })();
  return who;
}
type Role = "manager" | "owner" | "staff";
async function userFor(role: Role): Promise<User> {
  const { team, staff } = await people();
  return role === "staff" ? staff : role === "owner" ? team.org.owner : team.manager;
}

const SCREENS: [string, Role, string][] = [
  ["/app?from=2000-01-01&to=2100-01-01", "manager", "Dashboard"],
  ["/app/calls", "manager", "Calls"],
  ["/app/agents", "owner", "Agents"],
  ["/app/script", "owner", "Call script"],
  ["/app/numbers", "owner", "Phone numbers"],
  ["/app/members", "owner", "Members of Acme Inc"],
  ["/app/billing", "owner", "Billing"],
  ["/app/privacy", "owner", "Data & privacy for Acme Inc"],
  ["/app/goals", "manager", "Goals"],
  ["/app/activities", "manager", "Activities"],
  ["/app/referrals", "manager", "Referrals"],
  ["/app/what-if", "manager", "What-if"],
  ["/app/sims", "manager", "Practice"],
  ["/app/voice", "manager", "Voice practice"],
  ["/app/scorecards", "manager", "Scorecards"],
  ["/app/messages", "manager", "Messages"],
  ["/app/messages?templates=1", "manager", "Messages"],
  ["/staff", "staff", "Tenant margins"],
  ["/staff/tenants", "staff", "Tenants"],
];
for (const [path, who, heading] of SCREENS) {
  test(`a11y: ${path.replace(/\?from=.*$/, "")} (${who})`, async ({ page }) => {
    await signInAs(page, await userFor(who), path);
    await expect(page.getByRole("heading", { name: heading, exact: true }).first()).toBeVisible();
    await page.waitForLoadState("networkidle");
    expect(await violations(page)).toEqual([]);
  });
}

test("a11y: a call's coaching page", async ({ page }) => {
  await signInAs(page, await userFor("manager"), "/app/calls");
  await page.getByTestId("call-row").getByRole("link").click();
  await expect(page.getByRole("heading", { name: "Transcript" })).toBeVisible();
  await page.waitForLoadState("networkidle");
  expect(await violations(page)).toEqual([]);
});
