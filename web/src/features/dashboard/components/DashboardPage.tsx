// Placeholder until the feature lands.
import { EmptyState } from "../../../components/ui";

export function DashboardPage() {
  return <EmptyState title="Coming soon" />;
}
