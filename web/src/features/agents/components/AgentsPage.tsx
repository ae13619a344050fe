// Placeholder until the feature lands.
import { EmptyState } from "../../../components/ui";

export function AgentsPage() {
  return <EmptyState title="Coming soon" />;
}
