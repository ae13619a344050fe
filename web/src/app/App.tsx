// Routes: public pages, the guarded app, and a 404.
import { type ReactNode, useEffect } from "react";
import { ErrorState, RouteErrorBoundary, Spinner } from "../components/ui";
import { AgentsPage } from "../features/agents/components/AgentsPage";
import { ResetPasswordPage, SignInPage, SignUpPage, UpdatePasswordPage } from "../features/auth/components/AuthPages";
import { BillingPage } from "../features/billing/components/BillingPage";
import { CallsPage } from "../features/calls/components/CallsPage";
import { CallDetailPage } from "../features/coaching/components/CallDetailPage";
import { DashboardPage } from "../features/dashboard/components/DashboardPage";
import { NumbersPage } from "../features/numbers/components/NumbersPage";
import { ScriptPage } from "../features/script/components/ScriptPage";
import { Landing } from "./Landing";
import { Link, matchPath, useRouter } from "./router";
import { useSession } from "./session";
import { Shell } from "./Shell";
import { Welcome } from "./Welcome";

function NotFound() {
  return (
    <main className="auth">
      <div className="card auth-card">
        <h1>Page not found</h1>
        <p className="muted">There is nothing at this address.</p>
        <Link to="/">Go to the home page</Link>
      </div>
    </main>
  );
}

function Guarded({ children }: { children: ReactNode }) {
  const { session, loading, current, membershipsLoading, membershipsError } = useSession();
  const { navigate, location } = useRouter();
  useEffect(() => {
    if (!loading && !session) navigate(`/sign-in?next=${encodeURIComponent(location.pathname + window.location.search)}`, { replace: true });
  }, [loading, session, navigate, location.pathname]);
  if (loading || (session && membershipsLoading)) return <Spinner />;
  if (!session) return null;
  if (membershipsError) return <ErrorState error={membershipsError} onRetry={() => window.location.reload()} />;
  if (!current) return <Welcome />;
  return <Shell><RouteErrorBoundary key={location.pathname}>{children}</RouteErrorBoundary></Shell>;
}

const APP_ROUTES: [string, (p: Record<string, string>) => ReactNode][] = [
  ["/app", () => <DashboardPage />],
  ["/app/calls", () => <CallsPage />],
  ["/app/calls/:id", (p) => <CallDetailPage callId={p.id} />],
  ["/app/agents", () => <AgentsPage />],
  ["/app/script", () => <ScriptPage />],
  ["/app/numbers", () => <NumbersPage />],
  ["/app/billing", () => <BillingPage />],
];

export function App() {
  const { location } = useRouter();
  const path = location.pathname.replace(/\/+$/, "") || "/";
  switch (path) {
    case "/":
      return <Landing />;
    case "/sign-in":
      return <SignInPage />;
    case "/sign-up":
      return <SignUpPage />;
    case "/reset-password":
      return <ResetPasswordPage />;
    case "/update-password":
      return <UpdatePasswordPage />;
  }
  for (const [pattern, render] of APP_ROUTES) {
    const params = matchPath(pattern, path);
    if (params) return <Guarded>{render(params)}</Guarded>;
  }
  return <NotFound />;
}
