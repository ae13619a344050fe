// Sign in, sign up, password reset — Supabase Auth through supabase-js.
import { type FormEvent, useState } from "react";
import { Link, useRouter } from "../../../app/router";
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

export function SignInPage() {
  const { navigate, location } = useRouter();
  const { busy, error, onSubmit } = useSubmit(async (f) => {
    const { error } = await supabase.auth.signInWithPassword({ email: String(f.get("email")), password: String(f.get("password")) });
    if (error) throw error;
    navigate(location.search.get("next") ?? "/app", { replace: true });
  });
  return (
    <AuthFrame title="Sign in">
      <form onSubmit={onSubmit} aria-label="Sign in">
        {error && <Banner kind="error">{error}</Banner>}
        <label>Email<input name="email" type="email" autoComplete="email" required /></label>
        <label>Password<input name="password" type="password" autoComplete="current-password" required minLength={6} /></label>
        <button type="submit" disabled={busy}>{busy ? "Signing in…" : "Sign in"}</button>
      </form>
      <p className="muted"><Link to="/reset-password">Forgot your password?</Link> · <Link to="/sign-up">Create an account</Link></p>
    </AuthFrame>
  );
}

export function SignUpPage() {
  const { busy, error, done, onSubmit } = useSubmit(async (f) => {
    const { data, error } = await supabase.auth.signUp({
      email: String(f.get("email")),
      password: String(f.get("password")),
      options: { data: { full_name: String(f.get("full_name") ?? "") }, emailRedirectTo: `${window.location.origin}/app` },
    });
    if (error) throw error;
    if (data.session) {
      window.location.assign("/app");
      return;
    }
    return "Check your email to confirm your account, then sign in.";
  });
  return (
    <AuthFrame title="Create your account">
      {done ? <Banner kind="success">{done}</Banner> : (
        <form onSubmit={onSubmit} aria-label="Sign up">
          {error && <Banner kind="error">{error}</Banner>}
          <label>Full name<input name="full_name" autoComplete="name" required /></label>
          <label>Work email<input name="email" type="email" autoComplete="email" required /></label>
          <label>Password<input name="password" type="password" autoComplete="new-password" required minLength={8} /></label>
          <button type="submit" disabled={busy}>{busy ? "Creating…" : "Create account"}</button>
        </form>
      )}
      <p className="muted">Already have an account? <Link to="/sign-in">Sign in</Link></p>
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

export function UpdatePasswordPage() {
  const { navigate } = useRouter();
  const { busy, error, onSubmit } = useSubmit(async (f) => {
    const { error } = await supabase.auth.updateUser({ password: String(f.get("password")) });
    if (error) throw error;
    navigate("/app", { replace: true });
  });
  return (
    <AuthFrame title="Choose a new password">
      <form onSubmit={onSubmit} aria-label="New password">
        {error && <Banner kind="error">{error}</Banner>}
        <label>New password<input name="password" type="password" autoComplete="new-password" required minLength={8} /></label>
        <button type="submit" disabled={busy}>{busy ? "Saving…" : "Save password"}</button>
      </form>
    </AuthFrame>
  );
}
