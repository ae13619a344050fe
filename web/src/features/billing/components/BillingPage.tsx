// Placeholder until the feature lands.
import { EmptyState } from "../../../components/ui";

export function BillingPage() {
  return <EmptyState title="Coming soon" />;
}
