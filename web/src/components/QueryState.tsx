// A list query's three other states, the same on every screen: loading,
// failed (with a retry) and empty; `children` renders the rows once there are some.
import type { ReactNode } from "react";
import { EmptyState, ErrorState, Spinner } from "./ui";

interface ListQuery<T> {
  isPending: boolean;
  isError: boolean;
  error: unknown;
  data: T[] | undefined;
  refetch: () => unknown;
}

export function QueryState<T>({ query, loading, empty, children }: {
  query: ListQuery<T>;
  loading: string;
  empty: string;
  children: (rows: T[]) => ReactNode;
}) {
  if (query.isPending) return <Spinner label={loading} />;
  if (query.isError) return <ErrorState error={query.error} onRetry={() => query.refetch()} />;
  if (!query.data?.length) return <EmptyState title={empty} />;
  return <>{children(query.data)}</>;
}
