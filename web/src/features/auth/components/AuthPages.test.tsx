// Sign-in, sign-up and password pages, with supabase-js stood in for
// (third-party boundary). The real Supabase Auth round trip is in e2e/auth.spec.ts.
import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { fakeSupabase as db } from "../../../testing/fakeSupabase";
import { renderScreen } from "../../../testing/render";
import { linkError, ResetPasswordPage, safeNext, SignInPage, SignUpPage, UpdatePasswordPage } from "./AuthPages";

vi.mock("../../../lib/supabase", async () => (await import("../../../testing/fakeSupabase")).supabaseModule);

const page = (ui: React.ReactNode, url: string) => renderScreen(ui, { url, waitForOrg: false });
const authError = (code: string, message: string, status = 400) => ({ name: "AuthApiError", code, message, status });

beforeEach(() => db.reset());
afterEach(() => cleanup());

describe("SignInPage", () => {
  it("signs in and goes where the guard sent the user from", async () => {
    db.on("auth:signInWithPassword", () => ({ data: { session: {} }, error: null }));
    page(<SignInPage />, "/sign-in?next=%2Fapp%2Fcalls");
    fireEvent.change(screen.getByLabelText("Email"), { target: { value: "manager@acme.test" } });
    fireEvent.change(screen.getByLabelText("Password"), { target: { value: "salespulse-demo" } });
    fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
    await waitFor(() => expect(window.location.pathname).toBe("/app/calls"));
    expect(db.queries("signInWithPassword", "auth")[0].payload).toEqual({ email: "manager@acme.test", password: "salespulse-demo" });
  });

  it("says 'wrong email or password' and stays on the page", async () => {
    db.on("auth:signInWithPassword", () => ({ data: { session: null }, error: authError("invalid_credentials", "Invalid login credentials") }));
    page(<SignInPage />, "/sign-in");
    fireEvent.change(screen.getByLabelText("Email"), { target: { value: "manager@acme.test" } });
    fireEvent.change(screen.getByLabelText("Password"), { target: { value: "nope-nope" } });
    fireEvent.click(screen.getByRole("button", { name: "Sign in" }));
    expect((await screen.findByRole("alert")).textContent).toBe("Wrong email or password.");
    expect(window.location.pathname).toBe("/sign-in");
    expect((screen.getByRole("button", { name: "Sign in" }) as HTMLButtonElement).disabled).toBe(false);
  });
});

describe("after sign-in: ?next=", () => {
  it("follows paths of this app only", () => {
    const n = (q: string) => safeNext(new URLSearchParams(q));
    expect(n("next=%2Faccept-invite%3Ftoken%3Dabc")).toBe("/accept-invite?token=abc");
    expect(n("")).toBe("/app");
    expect(n("next=%2F%2Fevil.test")).toBe("/app");
    expect(n("next=https%3A%2F%2Fevil.test")).toBe("/app");
    expect(n("next=%2F%5Cevil.test")).toBe("/app");
  });

  it("an invitee without an account goes to sign-up and keeps the invitation", async () => {
    page(<SignInPage />, "/sign-in?next=%2Faccept-invite%3Ftoken%3Dtok-9");
    expect(screen.getByRole("note").textContent).toMatch(/invited to an organization/);
    fireEvent.click(screen.getByRole("link", { name: "Create an account" }));
    await waitFor(() => expect(window.location.pathname + window.location.search).toBe("/sign-up?next=%2Faccept-invite%3Ftoken%3Dtok-9"));
  });

  it("sign-up with a session continues to the invitation", async () => {
    db.on("auth:signUp", () => ({ data: { user: { id: "u" }, session: { access_token: "t" } }, error: null }));
    page(<SignUpPage />, "/sign-up?next=%2Faccept-invite%3Ftoken%3Dtok-9");
    fireEvent.change(screen.getByLabelText("Full name"), { target: { value: "Ivy Invitee" } });
    fireEvent.change(screen.getByLabelText("Work email"), { target: { value: "ivy@acme.test" } });
    fireEvent.change(screen.getByLabelText("Password"), { target: { value: "a-long-password" } });
    fireEvent.click(screen.getByRole("button", { name: "Create account" }));
    await waitFor(() => expect(window.location.pathname + window.location.search).toBe("/accept-invite?token=tok-9"));
    const q = db.queries("signUp", "auth")[0].payload as { options: { emailRedirectTo: string } };
    expect(q.options.emailRedirectTo).toMatch(/\/accept-invite\?token=tok-9$/);
  });
});

describe("SignUpPage", () => {
  it("asks to confirm the email when Auth requires it", async () => {
    db.on("auth:signUp", () => ({ data: { user: { id: "u" }, session: null }, error: null }));
    page(<SignUpPage />, "/sign-up");
    fireEvent.change(screen.getByLabelText("Full name"), { target: { value: "Nia New" } });
    fireEvent.change(screen.getByLabelText("Work email"), { target: { value: "nia@new.test" } });
    fireEvent.change(screen.getByLabelText("Password"), { target: { value: "a-long-password" } });
    fireEvent.click(screen.getByRole("button", { name: "Create account" }));
    expect(await screen.findByText(/we sent a confirmation link to/)).toBeTruthy();
    const q = db.queries("signUp", "auth")[0].payload as { email: string; options: { data: unknown; emailRedirectTo: string } };
    expect(q.email).toBe("nia@new.test");
    expect(q.options.data).toEqual({ full_name: "Nia New" });
    expect(q.options.emailRedirectTo).toMatch(/\/app$/);
  });

  it("explains an address that already has an account", async () => {
    db.on("auth:signUp", () => ({ data: { user: null, session: null }, error: authError("user_already_exists", "User already registered", 422) }));
    page(<SignUpPage />, "/sign-up");
    fireEvent.change(screen.getByLabelText("Full name"), { target: { value: "Maya" } });
    fireEvent.change(screen.getByLabelText("Work email"), { target: { value: "manager@acme.test" } });
    fireEvent.change(screen.getByLabelText("Password"), { target: { value: "a-long-password" } });
    fireEvent.click(screen.getByRole("button", { name: "Create account" }));
    expect((await screen.findByRole("alert")).textContent).toMatch(/already exists/);
  });
});

describe("ResetPasswordPage", () => {
  it("sends the link back to /update-password and does not reveal whether the account exists", async () => {
    page(<ResetPasswordPage />, "/reset-password");
    fireEvent.change(screen.getByLabelText("Email"), { target: { value: "someone@acme.test" } });
    fireEvent.click(screen.getByRole("button", { name: "Send reset link" }));
    expect(await screen.findByText(/If an account exists for that address/)).toBeTruthy();
    const q = db.queries("resetPasswordForEmail", "auth")[0].payload as { email: string; opts: { redirectTo: string } };
    expect(q.email).toBe("someone@acme.test");
    expect(q.opts.redirectTo).toMatch(/\/update-password$/);
  });
});

describe("UpdatePasswordPage", () => {
  it("reads an expired link's error from the URL", () => {
    expect(linkError("http://x.test/update-password#error=access_denied&error_code=otp_expired&error_description=Email+link+is+invalid+or+has+expired"))
      .toMatch(/expired or was already used/);
    expect(linkError("http://x.test/update-password")).toBeNull();
  });

  it("shows the link's error instead of the form", async () => {
    page(<UpdatePasswordPage />, "/update-password#error=access_denied&error_code=otp_expired&error_description=expired");
    expect((await screen.findByRole("alert")).textContent).toMatch(/expired or was already used/);
    expect(screen.queryByLabelText("New password", { selector: "input" })).toBeNull();
    expect(screen.getByRole("link", { name: "Send a new reset link" })).toBeTruthy();
  });

  it("without the link's session, says where the page comes from", async () => {
    page(<UpdatePasswordPage />, "/update-password");
    expect((await screen.findByRole("alert")).textContent).toMatch(/link in your password-reset email/);
    expect(db.queries("updateUser", "auth")).toHaveLength(0);
  });

  it("with the recovery session, saves the new password and opens the app", async () => {
    db.signIn("u-1", "agent");
    db.on("auth:updateUser", () => ({ data: { user: { id: "u-1" } }, error: null }));
    page(<UpdatePasswordPage />, "/update-password");
    fireEvent.change(await screen.findByLabelText("New password", { selector: "input" }), { target: { value: "brand-new-secret" } });
    fireEvent.click(screen.getByRole("button", { name: "Save password" }));
    await waitFor(() => expect(window.location.pathname).toBe("/app"));
    expect(db.queries("updateUser", "auth")[0].payload).toEqual({ password: "brand-new-secret" });
  });
});
