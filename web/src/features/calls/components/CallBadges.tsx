// Status and outcome badges for a call row.
import { CALL_STATUSES, type CallStatus, PIPELINE_STATUSES } from "../filters";

export function StatusBadge({ status, error }: { status: CallStatus; error: string | null }) {
  if (PIPELINE_STATUSES.has(status)) {
    return (
      <span className="badge warn calls-status" data-status={status}>
        Processing… <span className="calls-raw-status">{status}</span>
      </span>
    );
  }
  if (status === "failed") {
    return (
      <span className="badge bad calls-status" data-status={status} title={error ?? "Processing failed"}>
        Failed{error && <span className="sr-only">: {error}</span>}
      </span>
    );
  }
  const label = CALL_STATUSES.find((s) => s.value === status)?.label ?? status;
  return <span className={`badge calls-status ${status === "analyzed" ? "good" : ""}`} data-status={status}>{label}</span>;
}

export function OutcomeBadge({ converted }: { converted: boolean | null }) {
  if (converted == null) return <span className="muted">—</span>;
  return converted
    ? <span className="badge good">Converted</span>
    : <span className="badge">Not converted</span>;
}
