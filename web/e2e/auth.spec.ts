// Auth, for real (Supabase Auth or its local stand-in, whichever the stack
// runs): the sign-in form, sign-up confirmed through the emailed link, and a
// password reset through the emailed link (both read from the mail catcher),
// and invitations: signing up from one, and the links that cannot be used.
import { expect, test } from "@playwright/test";
import { DEMO_PASSWORD, lastMailTo, rest, restAs, shot, signInAs, signInWithForm } from "./helpers";
import { addMember, analyzed, createOrg, createTeam, createUser, invitationLink, postCall, SALE } from "./fixtures";

function claimsOf(token: string) {
  return JSON.parse(Buffer.from(token.split(".")[1], "base64url").toString());
}

/** The confirmation link Auth emailed to `email` (waits for it). */
async function confirmationLink(email: string): Promise<string> {
  let mail = null as Awaited<ReturnType<typeof lastMailTo>>;
  await expect.poll(async () => (mail = await lastMailTo(email))?.subject ?? null, { timeout: 15_000 })
    .toBe("Confirm your email for SalesPulse");
  return /href="([^"]+)"/.exec(mail!.html)![1].replace(/&amp;/g, "&");
}

test.describe("Auth", () => {
  test("a manager signs in with the form and sees their organization's dashboard", async ({ page }) => {
    const team = await createTeam();
    await analyzed(await postCall(team.line, SALE));
    await page.goto("/");
    await page.getByRole("link", { name: /sign in/i }).first().click();
    await page.getByLabel("Email").fill(team.manager.email);
    await page.getByLabel("Password").fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/app/);
    await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
    await page.goto("/app?from=2000-01-01&to=2100-01-01");
    await expect(page.getByTestId("kpi-calls")).toHaveAttribute("data-value", "1");
    await shot(page, "auth-01-signed-in-dashboard");

    // The token is Auth's, carrying our Custom Access Token Hook's claims.
    const session = await page.evaluate(() => {
      const k = Object.keys(localStorage).find((x) => x.endsWith("-auth-token"))!;
      return JSON.parse(localStorage.getItem(k)!);
    });
    const claims = claimsOf(session.access_token);
    expect(claims).toMatchObject({ sub: team.manager.id, role: "authenticated", org_id: team.org.id, org_role: "manager" });
    expect(claims.amr?.[0]?.method).toBe("password");
    expect(session.refresh_token).toBeTruthy();

    // Sign out ends the session: the guard sends the user back to sign-in.
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/sign-in/);
    await page.goto("/app/calls");
    await expect(page).toHaveURL(/\/sign-in/);
  });

  test("a wrong password is refused with a clear message", async ({ page }) => {
    const user = await createUser("manager");
    await page.goto("/sign-in");
    await page.getByLabel("Email").fill(user.email);
    await page.getByLabel("Password").fill("not-the-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert")).toHaveText("Wrong email or password.");
    await expect(page).toHaveURL(/\/sign-in/);
  });

  test("a new user signs up, creates an organization and owns it", async ({ page }) => {
    const stamp = Date.now();
    const email = `founder-${stamp}@newco.test`;
    const company = `NewCo Solar ${stamp}`;
    await page.goto("/sign-up");
    await page.getByLabel("Full name").fill("Nia Founder");
    await page.getByLabel("Work email").fill(email);
    await page.getByLabel("Password").fill("a-long-password");
    await page.getByRole("button", { name: "Create account" }).click();
    // Email confirmations are on: the account waits for the emailed link.
    await expect(page.getByText(`we sent a confirmation link to ${email}`, { exact: false })).toBeVisible();
    await shot(page, "auth-02a-check-your-inbox");
    await page.goto(await confirmationLink(email));
    await expect(page.getByRole("heading", { name: "Create your organization" })).toBeVisible();
    await shot(page, "auth-02-welcome-create-organization");
    await page.getByLabel("Company name").fill(company);
    await page.getByRole("button", { name: "Create organization" }).click();
    await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
    await expect(page.getByTestId("kpi-calls")).toHaveAttribute("data-value", "0");

    const users = await rest<{ id: string; full_name: string }[]>(`profiles?select=id,full_name&email=eq.${encodeURIComponent(email)}`);
    expect(users).toHaveLength(1);
    expect(users[0].full_name).toBe("Nia Founder");
    const members = await rest<{ role: string; organizations: { name: string } }[]>(
      `memberships?select=role,organizations(name)&user_id=eq.${users[0].id}`,
    );
    expect(members).toEqual([{ role: "owner", organizations: { name: company } }]);
  });

  test("a forgotten password is reset through the emailed link", async ({ page }) => {
    const { email } = await addMember((await createOrg()).id, "agent");
    await page.goto("/sign-in");
    await page.getByRole("link", { name: "Forgot your password?" }).click();
    await page.getByLabel("Email").fill(email);
    await page.getByRole("button", { name: "Send reset link" }).click();
    await expect(page.getByText(/If an account exists for that address/)).toBeVisible();

    let mail = null as Awaited<ReturnType<typeof lastMailTo>>;
    await expect.poll(async () => (mail = await lastMailTo(email))?.subject ?? null, { timeout: 15_000 }).toBe("Reset your SalesPulse password");
    expect(mail!.html).toContain("Choose a new password");
    const link = /href="([^"]+)"/.exec(mail!.html)![1].replace(/&amp;/g, "&");
    expect(link).toContain("/auth/v1/verify");

    await page.goto(link);
    await expect(page).toHaveURL(/\/update-password/);
    await page.getByLabel("New password", { exact: true }).fill("a-brand-new-password");
    await page.getByRole("button", { name: "Save password" }).click();
    await expect(page).toHaveURL(/\/app/);
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/sign-in/);

    await signInWithForm(page, email, "a-brand-new-password");
    await expect(page).toHaveURL(/\/app/);

    // The link was single-use.
    await page.goto(link);
    await expect(page.getByRole("alert")).toContainText(/expired or was already used/);
    await shot(page, "auth-03-reset-link-expired");
  });
});

test.describe("Auth: invitations", () => {
  test("an invitee without an account signs up from the emailed link and joins the organization", async ({ page, browser }) => {
    const email = `invitee.${Date.now()}@e2e.test`;
    const org = await createOrg();
    await signInAs(page, org.owner, "/app/members");
    await page.getByRole("form", { name: "Invite a teammate" }).getByLabel("Email").fill(email);
    await page.getByRole("button", { name: "Send invitation" }).click();
    await expect(page.getByTestId("invitation-row").filter({ hasText: email })).toBeVisible();
    const link = await invitationLink(email);

    // The invitee, in a browser of their own, has no account yet.
    const ctx = await browser.newContext();
    const invitee = await ctx.newPage();
    await invitee.goto(link);
    await expect(invitee).toHaveURL(/\/sign-in\?next=/);
    await expect(invitee.getByRole("note")).toContainText("invited to an organization");
    await invitee.getByRole("link", { name: "Create an account" }).click();
    await invitee.getByLabel("Full name").fill("Ivy Invitee");
    await invitee.getByLabel("Work email").fill(email);
    await invitee.getByLabel("Password").fill("a-long-password");
    await invitee.getByRole("button", { name: "Create account" }).click();
    await expect(invitee.getByText("we sent a confirmation link", { exact: false })).toBeVisible();
    // The confirmation link brings them back to the invitation, signed in.
    await invitee.goto(await confirmationLink(email));
    await expect(invitee.getByRole("heading", { name: `You joined ${org.name}` })).toBeVisible();
    await invitee.getByRole("button", { name: "Open SalesPulse" }).click();
    await expect(invitee.getByRole("heading", { name: "Dashboard" })).toBeVisible();
    await shot(invitee, "auth-04-invitee-joined");
    await ctx.close();

    const [profile] = await rest<{ id: string }[]>(`profiles?select=id&email=eq.${encodeURIComponent(email)}`);
    const members = await rest<{ role: string; org_id: string }[]>(`memberships?select=role,org_id&user_id=eq.${profile.id}`);
    expect(members).toEqual([{ role: "agent", org_id: org.id }]);
  });

  test("an invitation link for another account, a used one and a made-up one are each explained", async ({ page }) => {
    const org = await createOrg();
    const invitee = await createUser("invitee");
    const stranger = await createUser("stranger");
    await restAs(org.owner, "rpc/invite_member", { method: "POST", body: JSON.stringify({ p_org_id: org.id, p_email: invitee.email, p_role: "agent" }) });
    const link = await invitationLink(invitee.email);
    const path = link.slice(link.indexOf("/accept-invite"));

    // Signed in as someone else: the link is not theirs, and signing out keeps it for the right account.
    await signInAs(page, stranger, path);
    await expect(page.getByRole("alert")).toContainText("This invitation is for another email address");
    await expect(page.getByRole("alert")).toContainText(stranger.email);
    await page.getByRole("button", { name: "Sign out" }).click();
    await expect(page).toHaveURL(/\/sign-in\?next=%2Faccept-invite/);
    expect(await rest(`memberships?select=role&org_id=eq.${org.id}&user_id=eq.${stranger.id}`)).toEqual([]);

    await page.getByLabel("Email").fill(invitee.email);
    await page.getByLabel("Password").fill(DEMO_PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("heading", { name: `You joined ${org.name}` })).toBeVisible();
    expect(await rest(`memberships?select=role&org_id=eq.${org.id}&user_id=eq.${invitee.id}`)).toEqual([{ role: "agent" }]);

    // Used once: a second visit says so.
    await page.goto(path);
    await expect(page.getByRole("alert")).toContainText("This invitation can't be used any more");
    // A token that names no invitation.
    await page.goto("/accept-invite?token=" + "0".repeat(64));
    await expect(page.getByRole("alert")).toContainText("This invitation link isn't valid");
  });
});
