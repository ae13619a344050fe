// The calls list (/app/calls): filters and transcript search in the URL, a
// page of 25 calls per search_calls round trip, live while calls are processed.
import { useOrg } from "../../../lib/session";
import { Banner, Card, EmptyState, ErrorState, Spinner } from "../../../components/ui";
import { errorMessage } from "../../../lib/errors";
import { CALLS_REFETCH_MS, callsRefetchInterval, useCalls } from "../api/searchCalls";
import { hasActiveFilters, PAGE_SIZE, useCallFilters } from "../filters";
import { CallFiltersBar } from "./CallFilters";
import { CallsTable } from "./CallsTable";
import { Pagination } from "./Pagination";

export function CallsPage() {
  const { org, isManager } = useOrg();
  const { filters, setFilters, clearFilters } = useCallFilters();
  const calls = useCalls(filters);
  const filtered = hasActiveFilters(filters);

  let body;
  if (calls.isPending) {
    body = <Spinner label="Loading calls…" />;
  } else if (calls.isError && !calls.data) {
    body = <ErrorState error={calls.error} title="Couldn't load calls" onRetry={() => calls.refetch()} />;
  } else if (calls.data.rows.length === 0) {
    body = filters.page > 1
      ? (
        <EmptyState title="There is nothing on this page">
          <button type="button" onClick={() => setFilters({ page: 1 })}>Go to the first page</button>
        </EmptyState>
      )
      : filtered
      ? (
        <EmptyState title="No calls match these filters">
          <p>Try another search or a wider period.</p>
          <button type="button" onClick={clearFilters}>Clear filters</button>
        </EmptyState>
      )
      : (
        <EmptyState title="No calls yet">
          <p>Calls to your numbers show up here as soon as their recording is ready.</p>
        </EmptyState>
      );
  } else {
    body = (
      <>
        {calls.isError && <Banner kind="error">Couldn't refresh the list: {errorMessage(calls.error)}</Banner>}
        <CallsTable rows={calls.data.rows} currency={org.currency} searching={Boolean(filters.q)} />
        <Pagination
          page={filters.page}
          pageSize={PAGE_SIZE}
          shown={calls.data.rows.length}
          total={calls.data.total}
          onPage={(page) => setFilters({ page })}
        />
      </>
    );
  }

  const live = callsRefetchInterval(calls.data) !== false;
  return (
    <div className="calls">
      <h1>Calls</h1>
      <CallFiltersBar filters={filters} onChange={setFilters} agentFilter={isManager} />
      <Card
        className="calls-list"
        title={filters.q ? `Calls mentioning “${filters.q}”` : "All calls"}
        actions={
          <span className="muted calls-live" role="status">
            {calls.isFetching && !calls.isPending ? "Updating…" : live ? `Refreshing every ${CALLS_REFETCH_MS / 1000} s while calls are processed` : ""}
          </span>
        }
      >
        {body}
      </Card>
    </div>
  );
}
