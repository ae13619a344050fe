// Placeholder until the feature lands.
import { EmptyState } from "../../../components/ui";

export function NumbersPage() {
  return <EmptyState title="Coming soon" />;
}
