// Placeholder until the feature lands.
import { EmptyState } from "../../../components/ui";

export function CallsPage() {
  return <EmptyState title="Coming soon" />;
}
