// The authenticated shell: navigation, organization switcher, sign-out.
import { type ReactNode, useState } from "react";
import { Banner } from "../components/ui";
import { errorMessage } from "../lib/errors";
import { Link } from "../lib/router";
import { useOrg, useSession, useSignOut } from "../lib/session";

export function Shell({ children }: { children: ReactNode }) {
  const { memberships, current, switchOrg, session, isStaff } = useSession();
  const { isManager, isAdmin, role } = useOrg();
  const [switchError, setSwitchError] = useState<string | null>(null);
  const [menuOpen, setMenuOpen] = useState(false);
  const signOut = useSignOut();
  return (
    <div className="shell">
      <header className="topbar">
        <Link to="/app" className="brand">SalesPulse</Link>
        <button type="button" className="menu-toggle" aria-expanded={menuOpen} aria-controls="main-nav" onClick={() => setMenuOpen(!menuOpen)}>Menu</button>
        <nav id="main-nav" className={menuOpen ? "open" : ""} aria-label="Main" onClick={() => setMenuOpen(false)}>
          <Link to="/app">Dashboard</Link>
          <Link to="/app/calls">Calls</Link>
          <Link to="/app/goals">Goals</Link>
          <Link to="/app/activities">Activities</Link>
          <Link to="/app/referrals">Referrals</Link>
          <Link to="/app/sims">Practice</Link>
          <Link to="/app/voice">Voice practice</Link>
          <Link to="/app/messages">Messages</Link>
          {isManager && <Link to="/app/what-if">What-if</Link>}
          {isManager && <Link to="/app/agents">Agents</Link>}
          {isManager && <Link to="/app/script">Call script</Link>}
          {isManager && <Link to="/app/trackers">Trackers</Link>}
          {isManager && <Link to="/app/scorecards">Scorecards</Link>}
          {isManager && <Link to="/app/members">Members</Link>}
          {isAdmin && <Link to="/app/numbers">Numbers</Link>}
          {isAdmin && <Link to="/app/billing">Billing</Link>}
          {isAdmin && <Link to="/app/privacy">Data &amp; privacy</Link>}
          {isStaff && <Link to="/staff">Staff</Link>}
        </nav>
        <div className="topbar-right">
          <label className="org-switcher">
            <span className="sr-only">Organization</span>
            <select
              aria-label="Organization"
              value={current?.org_id}
              onChange={(e) => switchOrg(e.target.value).then(() => setSwitchError(null)).catch((err) => setSwitchError(errorMessage(err)))}
            >
              {memberships.map((m) => <option key={m.org_id} value={m.org_id}>{m.organization.name}</option>)}
            </select>
          </label>
          <span className="muted user" title={session?.user.email}>{session?.user.email} · {role}</span>
          <button type="button" className="link" onClick={() => void signOut()}>Sign out</button>
        </div>
      </header>
      {switchError && <Banner kind="error">{switchError}</Banner>}
      <main className="content">{children}</main>
    </div>
  );
}
