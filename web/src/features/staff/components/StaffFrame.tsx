// The staff console's own frame (staff often belong to no organization):
// top bar with the console's sections, and the staff-only guard — the SQL
// functions refuse anyone else (SP403); this only shapes the screen.
import type { ReactNode } from "react";
import { Link } from "../../../lib/router";
import { useSession, useSignOut } from "../../../lib/session";
import { ErrorState, Spinner } from "../../../components/ui";

export function StaffFrame({ children }: { children: ReactNode }) {
  const { session, loading, current, isStaff, membershipsLoading, membershipsError } = useSession();
  const signOut = useSignOut();
  let body: ReactNode;
  if (loading || !session || membershipsLoading) {
    body = <Spinner />;
  } else if (membershipsError) {
    body = <ErrorState error={membershipsError} onRetry={() => window.location.reload()} />;
  } else if (!isStaff) {
    body = (
      <div className="card" role="alert">
        <h1>Staff only</h1>
        <p className="muted">This page is for SalesPulse staff.</p>
        <Link to="/app">Go to your dashboard</Link>
      </div>
    );
  } else {
    body = children;
  }
  return (
    <div className="shell">
      <header className="topbar">
        <Link to="/staff" className="brand">SalesPulse <span className="muted">staff</span></Link>
        {isStaff && (
          <nav aria-label="Staff">
            <Link to="/staff">Margins</Link>
            <Link to="/staff/tenants">Tenants</Link>
          </nav>
        )}
        <div className="topbar-right">
          {current && <Link to="/app">Open {current.organization.name}</Link>}
          <span className="muted user">{session?.user.email}</span>
          <button type="button" className="link" onClick={() => void signOut()}>Sign out</button>
        </div>
      </header>
      <main className="content staff">{body}</main>
    </div>
  );
}
