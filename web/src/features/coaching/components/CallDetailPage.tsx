// Placeholder until the feature lands.
import { EmptyState } from "../../../components/ui";

export function CallDetailPage({ callId }: { callId: string }) {
  return <EmptyState title={`Call ${callId}`} />;
}
