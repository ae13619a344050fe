// Accessibility: axe-core (the engine behind most a11y checkers) runs in the
// real browser on every screen, signed in as the role that sees it. Serious
// and critical WCAG 2 A/AA violations fail the test, listed with their nodes.
import { expect, type Page, test } from "@playwright/test";
import { createRequire } from "node:module";
import { signInAs, USERS } from "./helpers";

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

const SCREENS: [string, keyof typeof USERS, string][] = [
  ["/app?from=2000-01-01&to=2100-01-01", "acmeManager", "Dashboard"],
  ["/app/calls", "acmeManager", "Calls"],
  ["/app/agents", "acmeOwner", "Agents"],
  ["/app/script", "acmeOwner", "Call script"],
  ["/app/numbers", "acmeOwner", "Phone numbers"],
  ["/app/members", "acmeOwner", "Members of Acme Inc"],
  ["/app/billing", "acmeOwner", "Billing"],
  ["/app/privacy", "acmeOwner", "Data & privacy for Acme Inc"],
  ["/app/goals", "acmeManager", "Goals"],
  ["/app/activities", "acmeManager", "Activities"],
  ["/app/referrals", "acmeManager", "Referrals"],
  ["/app/what-if", "acmeManager", "What-if"],
  ["/app/sims", "acmeManager", "Practice"],
  ["/app/voice", "acmeManager", "Voice practice"],
  ["/app/scorecards", "acmeManager", "Scorecards"],
  ["/app/messages", "acmeManager", "Messages"],
  ["/app/messages?templates=1", "acmeManager", "Messages"],
  ["/staff", "staff", "Tenant margins"],
  ["/staff/tenants", "staff", "Tenants"],
];
for (const [path, who, heading] of SCREENS) {
  test(`a11y: ${path.replace(/\?from=.*$/, "")} (${who})`, async ({ page }) => {
    await signInAs(page, USERS[who], path);
    await expect(page.getByRole("heading", { name: heading, exact: true }).first()).toBeVisible();
    await page.waitForLoadState("networkidle");
    expect(await violations(page)).toEqual([]);
  });
}

test("a11y: a call's coaching page", async ({ page }) => {
  await signInAs(page, USERS.acmeManager, "/app/calls");
  await page.getByTestId("call-row").first().getByRole("link").click();
  await expect(page.getByRole("heading", { name: "Transcript" })).toBeVisible();
  await page.waitForLoadState("networkidle");
  expect(await violations(page)).toEqual([]);
});
