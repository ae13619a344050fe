// Routes: public pages, the guarded app, and a 404.
import { lazy, type ReactNode, Suspense, useEffect } from "react";
import { ErrorState, RouteErrorBoundary, Spinner } from "../components/ui";
import { DashboardPage } from "../features/dashboard/components/DashboardPage";
// The dashboard shows goal progress: app/ composes the goals feature's widget into it.
import { GoalSummaryCard } from "../features/goals/components/GoalSummaryCard";

// The dashboard (where managers land) ships in the main bundle; every other
// screen — the public pages included — is its own chunk, loaded when first opened.
const Landing = lazy(() => import("./Landing").then((m) => ({ default: m.Landing })));
const Welcome = lazy(() => import("./Welcome").then((m) => ({ default: m.Welcome })));
const authPages = () => import("../features/auth/components/AuthPages");
const SignInPage = lazy(() => authPages().then((m) => ({ default: m.SignInPage })));
const SignUpPage = lazy(() => authPages().then((m) => ({ default: m.SignUpPage })));
const ResetPasswordPage = lazy(() => authPages().then((m) => ({ default: m.ResetPasswordPage })));
const UpdatePasswordPage = lazy(() => authPages().then((m) => ({ default: m.UpdatePasswordPage })));
const CallsPage = lazy(() => import("../features/calls/components/CallsPage").then((m) => ({ default: m.CallsPage })));
const CallDetailPage = lazy(() =>
  import("../features/coaching/components/CallDetailPage").then((m) => ({ default: m.CallDetailPage }))
);
const AgentsPage = lazy(() => import("../features/agents/components/AgentsPage").then((m) => ({ default: m.AgentsPage })));
const PrivacyPage = lazy(() => import("../features/privacy/components/PrivacyPage").then((m) => ({ default: m.PrivacyPage })));
const TrackersPage = lazy(() => import("../features/trackers/components/TrackersPage").then((m) => ({ default: m.TrackersPage })));
const ScriptPage = lazy(() => import("../features/script/components/ScriptPage").then((m) => ({ default: m.ScriptPage })));
const NumbersPage = lazy(() => import("../features/numbers/components/NumbersPage").then((m) => ({ default: m.NumbersPage })));
const BillingPage = lazy(() => import("../features/billing/components/BillingPage").then((m) => ({ default: m.BillingPage })));
const MembersPage = lazy(() => import("../features/tenancy/components/MembersPage").then((m) => ({ default: m.MembersPage })));
const StaffPage = lazy(() => import("../features/staff/components/StaffPage").then((m) => ({ default: m.StaffPage })));
const TenantsPage = lazy(() => import("../features/staff/components/TenantsPage").then((m) => ({ default: m.TenantsPage })));
const TenantPage = lazy(() => import("../features/staff/components/TenantPage").then((m) => ({ default: m.TenantPage })));
const GoalsPage = lazy(() => import("../features/goals/components/GoalsPage").then((m) => ({ default: m.GoalsPage })));
const ActivitiesPage = lazy(() =>
  import("../features/activities/components/ActivitiesPage").then((m) => ({ default: m.ActivitiesPage }))
);
const ReferralsPage = lazy(() => import("../features/referrals/components/ReferralsPage").then((m) => ({ default: m.ReferralsPage })));
const MessagesPage = lazy(() => import("../features/email/components/MessagesPage").then((m) => ({ default: m.MessagesPage })));
const WhatIfPage = lazy(() => import("../features/scenarios/components/WhatIfPage").then((m) => ({ default: m.WhatIfPage })));
const CallScorecard = lazy(() => import("../features/scorecards/components/CallScorecard").then((m) => ({ default: m.CallScorecard })));
const ScorecardsPage = lazy(() => import("../features/scorecards/components/ScorecardsPage").then((m) => ({ default: m.ScorecardsPage })));
const SimsPage = lazy(() => import("../features/sims/components/SimsPage").then((m) => ({ default: m.SimsPage })));
const SimSessionPage = lazy(() => import("../features/sims/components/SimSessionPage").then((m) => ({ default: m.SimSessionPage })));
const PracticeLoopPage = lazy(() => import("../features/sims/components/PracticeLoopPage").then((m) => ({ default: m.PracticeLoopPage })));
const VoicePage = lazy(() => import("../features/voice/VoicePage").then((m) => ({ default: m.VoicePage })));
const AcceptInvitePage = lazy(() =>
  import("../features/tenancy/components/AcceptInvitePage").then((m) => ({ default: m.AcceptInvitePage }))
);
import { Link, matchPath, useRouter } from "../lib/router";
import { useSession } from "../lib/session";
import { Shell } from "./Shell";

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
  const { session, loading, current, membershipsLoading, membershipsError, isStaff } = useSession();
  const { navigate, location } = useRouter();
  useEffect(() => {
    if (!loading && !session) navigate(`/sign-in?next=${encodeURIComponent(location.pathname + window.location.search)}`, { replace: true });
  }, [loading, session, navigate, location.pathname]);
  // Staff without an organization of their own work in the staff console.
  const staffOnly = Boolean(session && !membershipsLoading && !membershipsError && !current && isStaff);
  useEffect(() => {
    if (staffOnly) navigate("/staff", { replace: true });
  }, [staffOnly, navigate]);
  if (staffOnly) return null;
  if (loading || (session && membershipsLoading)) return <Spinner />;
  if (!session) return null;
  if (membershipsError) return <ErrorState error={membershipsError} onRetry={() => window.location.reload()} />;
  if (!current) return <Suspense fallback={<Spinner />}><Welcome /></Suspense>;
  return (
    <Shell>
      <RouteErrorBoundary key={location.pathname}>
        <Suspense fallback={<Spinner />}>{children}</Suspense>
      </RouteErrorBoundary>
    </Shell>
  );
}

/** A public page (its own chunk). */
function Public({ children }: { children: ReactNode }) {
  const { location } = useRouter();
  return (
    <RouteErrorBoundary key={location.pathname}>
      <Suspense fallback={<Spinner />}>{children}</Suspense>
    </RouteErrorBoundary>
  );
}

/** Signed in, with or without an organization (accepting an invitation). */
function RequireSession({ children }: { children: ReactNode }) {
  const { session, loading } = useSession();
  const { navigate, location } = useRouter();
  useEffect(() => {
    if (!loading && !session) navigate(`/sign-in?next=${encodeURIComponent(location.pathname + window.location.search)}`, { replace: true });
  }, [loading, session, navigate, location.pathname]);
  if (loading) return <Spinner />;
  if (!session) return null;
  return (
    <RouteErrorBoundary key={location.pathname}>
      <Suspense fallback={<Spinner />}>{children}</Suspense>
    </RouteErrorBoundary>
  );
}

const APP_ROUTES: [string, (p: Record<string, string>) => ReactNode][] = [
  ["/app", () => <DashboardPage goals={<GoalSummaryCard />} />],
  ["/app/calls", () => <CallsPage />],
  ["/app/calls/:id", (p) => <CallDetailPage callId={p.id} scorecard={<CallScorecard callId={p.id} />} />],
  ["/app/agents", () => <AgentsPage />],
  ["/app/script", () => <ScriptPage />],
  ["/app/trackers", () => <TrackersPage />],
  ["/app/privacy", () => <PrivacyPage />],
  ["/app/numbers", () => <NumbersPage />],
  ["/app/billing", () => <BillingPage />],
  ["/app/goals", () => <GoalsPage />],
  ["/app/activities", () => <ActivitiesPage />],
  ["/app/referrals", () => <ReferralsPage />],
  ["/app/what-if", () => <WhatIfPage />],
  ["/app/sims", () => <SimsPage />],
  ["/app/scorecards", () => <ScorecardsPage />],
  ["/app/sims/sessions/:id", (p) => <SimSessionPage sessionId={p.id} />],
  ["/app/sims/people/:userId", (p) => <PracticeLoopPage userId={p.userId} />],
  ["/app/voice", () => <VoicePage />],
  ["/app/messages", () => <MessagesPage />],
  ["/app/members", () => <MembersPage />],
];

export function App() {
  const { location } = useRouter();
  const path = location.pathname.replace(/\/+$/, "") || "/";
  switch (path) {
    case "/":
      return <Public><Landing /></Public>;
    case "/sign-in":
      return <Public><SignInPage /></Public>;
    case "/sign-up":
      return <Public><SignUpPage /></Public>;
    case "/reset-password":
      return <Public><ResetPasswordPage /></Public>;
    case "/update-password":
      return <Public><UpdatePasswordPage /></Public>;
    case "/accept-invite":
      return <RequireSession><AcceptInvitePage /></RequireSession>;
    case "/staff":
      return <RequireSession><StaffPage /></RequireSession>;
    case "/staff/tenants":
      return <RequireSession><TenantsPage /></RequireSession>;
  }
  const tenant = matchPath("/staff/tenants/:id", path);
  if (tenant) return <RequireSession><TenantPage orgId={tenant.id} /></RequireSession>;
  for (const [pattern, render] of APP_ROUTES) {
    const params = matchPath(pattern, path);
    if (params) return <Guarded>{render(params)}</Guarded>;
  }
  return <NotFound />;
}
