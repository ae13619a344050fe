// Placeholder until the feature lands.
import { EmptyState } from "../../../components/ui";

export function ScriptPage() {
  return <EmptyState title="Coming soon" />;
}
