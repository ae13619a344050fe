// Sign in, sign up, password reset — Supabase Auth through supabase-js.
import { type FormEvent, useEffect, useState } from "react";
import { Link, useRouter } from "../../../lib/router";
import { Banner } from "../../../components/ui";
import { errorMessage } from "../../../lib/errors";
import { supabase } from "../../../lib/supabase";

function AuthFrame({ title, children }: { title: string; children: React.ReactNode }) {
  return (
    <main className="auth">
      <Link to="/" className="brand">SalesPulse</Link>
      <div className="card auth-card">
        <h1>{title}</h1>
        {children}
      </div>
    </main>
  );
}

function useSubmit(fn: (form: FormData) => Promise<string | void>) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const onSubmit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const msg = await fn(new FormData(e.currentTarget));
      if (msg) setDone(msg);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, done, onSubmit };
}

/**
 * Where to go after signing in or up: `?next=` when it is a path of this app
 * (never another origin: `//evil.test` or `https://…` fall back to /app).
 */
export function safeNext(search: URLSearchParams): string {
  const next = search.get("next");
  return next && /^\/(?![/\\])/.test(next) ? next : "/app";
}

function withNext(path: string, next: string) {
  return next === "/app" ? path : `${path}?next=${encodeURIComponent(next)}`;
}

function InvitationHint({ next }: { next: string }) {
  if (!next.startsWith("/accept-invite")) return null;
  return <p className="muted" role="note">You were invited to an organization. Use the email address the invitation was sent to.</p>;
}

export function SignInPage() {
  const { navigate, location } = useRouter();
  const next = safeNext(location.search);
  const { busy, error, onSubmit } = useSubmit(async (f) => {
    const { error } = await supabase.auth.signInWithPassword({ email: String(f.get("email")), password: String(f.get("password")) });
    if (error) throw error;
    navigate(next, { replace: true });
  });
  return (
    <AuthFrame title="Sign in">
      <InvitationHint next={next} />
      <form onSubmit={onSubmit} aria-label="Sign in">
        {error && <Banner kind="error">{error}</Banner>}
        <label>Email<input name="email" type="email" autoComplete="email" required /></label>
        <label>Password<input name="password" type="password" autoComplete="current-password" required minLength={6} /></label>
        <button type="submit" disabled={busy}>{busy ? "Signing in…" : "Sign in"}</button>
      </form>
      <p className="muted"><Link to="/reset-password">Forgot your password?</Link> · <Link to={withNext("/sign-up", next)}>Create an account</Link></p>
    </AuthFrame>
  );
}

export function SignUpPage() {
  const { navigate, location } = useRouter();
  const next = safeNext(location.search);
  const { busy, error, done, onSubmit } = useSubmit(async (f) => {
    const { data, error } = await supabase.auth.signUp({
      email: String(f.get("email")),
      password: String(f.get("password")),
      options: { data: { full_name: String(f.get("full_name") ?? "") }, emailRedirectTo: `${window.location.origin}${next}` },
    });
    if (error) throw error;
    if (data.session) {
      navigate(next, { replace: true });
      return;
    }
    return `Check your inbox: we sent a confirmation link to ${String(f.get("email"))}. Open it to finish creating your account — it signs you in.`;
  });
  return (
    <AuthFrame title="Create your account">
      <InvitationHint next={next} />
      {done ? <Banner kind="success">{done}</Banner> : (
        <form onSubmit={onSubmit} aria-label="Sign up">
          {error && <Banner kind="error">{error}</Banner>}
          <label>Full name<input name="full_name" autoComplete="name" required /></label>
          <label>Work email<input name="email" type="email" autoComplete="email" required /></label>
          <label>Password<input name="password" type="password" autoComplete="new-password" required minLength={8} aria-describedby="password-rule" /></label>
          <p id="password-rule" className="muted field-hint">At least 8 characters.</p>
          <button type="submit" disabled={busy}>{busy ? "Creating…" : "Create account"}</button>
        </form>
      )}
      <p className="muted">Already have an account? <Link to={withNext("/sign-in", next)}>Sign in</Link></p>
    </AuthFrame>
  );
}

export function ResetPasswordPage() {
  const { busy, error, done, onSubmit } = useSubmit(async (f) => {
    const { error } = await supabase.auth.resetPasswordForEmail(String(f.get("email")), {
      redirectTo: `${window.location.origin}/update-password`,
    });
    if (error) throw error;
    return "If an account exists for that address, we sent a link to reset the password.";
  });
  return (
    <AuthFrame title="Reset your password">
      {done ? <Banner kind="success">{done}</Banner> : (
        <form onSubmit={onSubmit} aria-label="Reset password">
          {error && <Banner kind="error">{error}</Banner>}
          <label>Email<input name="email" type="email" autoComplete="email" required /></label>
          <button type="submit" disabled={busy}>{busy ? "Sending…" : "Send reset link"}</button>
        </form>
      )}
      <p className="muted"><Link to="/sign-in">Back to sign in</Link></p>
    </AuthFrame>
  );
}

/** What a failed email link says in its URL (`#error_code=otp_expired&error_description=…`). */
export function linkError(href: string): string | null {
  const url = new URL(href);
  const params = new URLSearchParams(url.hash.replace(/^#/, ""));
  const code = params.get("error_code") ?? url.searchParams.get("error_code");
  const description = params.get("error_description") ?? url.searchParams.get("error_description");
  if (!code && !description) return null;
  return code ? errorMessage({ name: "AuthApiError", code, message: description ?? code }) : description;
}

export function UpdatePasswordPage() {
  const { navigate } = useRouter();
  // The recovery link signs the user in (supabase-js reads the URL); without
  // that session there is nothing to update.
  const [state, setState] = useState<"checking" | "ready" | string>(() => linkError(window.location.href) ?? "checking");
  useEffect(() => {
    if (state !== "checking") return;
    let live = true;
    supabase.auth.getSession().then(({ data }) => {
      if (live) setState(data.session ? "ready" : "This page opens from the link in your password-reset email, and that link has expired or was already used. Request a new one.");
    });
    return () => {
      live = false;
    };
  }, [state]);
  const { busy, error, onSubmit } = useSubmit(async (f) => {
    const { error } = await supabase.auth.updateUser({ password: String(f.get("password")) });
    if (error) throw error;
    navigate("/app", { replace: true });
  });
  if (state === "checking") {
    return <AuthFrame title="Choose a new password"><p className="muted" role="status">Checking your link…</p></AuthFrame>;
  }
  if (state !== "ready") {
    return (
      <AuthFrame title="Choose a new password">
        <Banner kind="error">{state}</Banner>
        <p className="muted"><Link to="/reset-password">Send a new reset link</Link></p>
      </AuthFrame>
    );
  }
  return (
    <AuthFrame title="Choose a new password">
      <form onSubmit={onSubmit} aria-label="Set a new password">
        {error && <Banner kind="error">{error}</Banner>}
        <label>New password<input name="password" type="password" autoComplete="new-password" required minLength={8} /></label>
        <button type="submit" disabled={busy}>{busy ? "Saving…" : "Save password"}</button>
      </form>
    </AuthFrame>
  );
}
