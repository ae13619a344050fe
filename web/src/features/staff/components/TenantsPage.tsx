// Staff: search and list tenants (/staff/tenants?q=), suspended first.
import { Link, useRouter } from "../../../lib/router";
import { QueryState } from "../../../components/QueryState";
import { fmtDateTime, fmtNum } from "../../../lib/format";
import { SEARCH_MAX, useTenants } from "../api/searchTenants";
import { StaffFrame } from "./StaffFrame";

export function TenantsPage() {
  const { location, navigate } = useRouter();
  const q = new URLSearchParams(location.search).get("q") ?? "";
  const tenants = useTenants(q);
  return (
    <StaffFrame>
      <h1>Tenants</h1>
      <label className="inline-field">Search{" "}
        <input
          type="search"
          value={q}
          maxLength={SEARCH_MAX}
          placeholder="Name or slug"
          onChange={(e) => navigate(`/staff/tenants${e.target.value ? `?q=${encodeURIComponent(e.target.value)}` : ""}`, { replace: true })}
        />
      </label>
      <QueryState query={tenants} loading="Loading tenants…" empty="No tenant matches">
        {(rows) => (
          <div className="table-wrap">
            <table className="staff-table">
              <thead>
                <tr><th scope="col">Organization</th><th scope="col">Plan</th><th scope="col" className="num">Members</th><th scope="col" className="num">Calls</th><th scope="col">State</th></tr>
              </thead>
              <tbody>
                {rows.map((t) => (
                  <tr key={t.org_id} data-testid="staff-tenant-row" data-org={t.org_id}>
                    <th scope="row"><Link to={`/staff/tenants/${t.org_id}`}>{t.name}</Link> <span className="muted">{t.slug}</span></th>
                    <td>{t.plan_name ?? "Free"}{t.subscription_status !== "none" && <span className="muted"> · {t.subscription_status}</span>}</td>
                    <td className="num">{fmtNum(t.members)}</td>
                    <td className="num">{fmtNum(t.calls)}</td>
                    <td>{t.suspended_at ? <span className="badge bad">Suspended {fmtDateTime(t.suspended_at)}</span> : <span className="badge good">Active</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </QueryState>
    </StaffFrame>
  );
}
