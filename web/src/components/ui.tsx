// Shared UI pieces: states every screen needs, and small building blocks.
import { Component, type ErrorInfo, type ReactNode } from "react";
import { errorMessage } from "../lib/errors";
import { Link } from "../lib/router";
import { reportError } from "../lib/sentry";

export function Spinner({ label = "Loading…" }: { label?: string }) {
  return <div className="state" role="status" aria-live="polite"><span className="spinner" aria-hidden="true" /> {label}</div>;
}

export function ErrorState({ error, onRetry, title = "Couldn't load this" }: { error: unknown; onRetry?: () => void; title?: string }) {
  return (
    <div className="state state-error" role="alert">
      <strong>{title}</strong>
      <p>{errorMessage(error)}</p>
      {onRetry && <button type="button" onClick={onRetry}>Try again</button>}
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return <div className="state state-empty"><strong>{title}</strong>{children && <div>{children}</div>}</div>;
}

export function Card({ title, actions, children, className }: { title?: ReactNode; actions?: ReactNode; children: ReactNode; className?: string }) {
  return (
    <section className={`card ${className ?? ""}`}>
      {(title || actions) && <header className="card-head">{title && <h2>{title}</h2>}{actions}</header>}
      {children}
    </section>
  );
}

export function Banner({ kind = "info", children }: { kind?: "info" | "warning" | "error" | "success"; children: ReactNode }) {
  return <div className={`banner banner-${kind}`} role={kind === "error" ? "alert" : "status"}>{children}</div>;
}

/**
 * A feature the organization's plan lacks: what it would give and where to get
 * it, in place of the tool (SQL refuses the write with SP402 regardless).
 */
export function UpgradePrompt({ feature, children }: { feature: string; children: ReactNode }) {
  return (
    <div className="banner banner-info upgrade-prompt" role="status" data-testid={`upgrade-${feature}`}>
      {children} <Link to="/app/billing">Compare plans on the Billing page</Link>
    </div>
  );
}

/** Per-route error boundary: a crash in one screen does not take the app down. */
export class RouteErrorBoundary extends Component<{ children: ReactNode }, { error: unknown }> {
  state = { error: null as unknown };
  static getDerivedStateFromError(error: unknown) {
    return { error };
  }
  componentDidCatch(error: unknown, info: ErrorInfo) {
    console.error("screen crashed", error, info.componentStack);
    reportError(error, { boundary: "route" });
  }
  render() {
    if (this.state.error) {
      return <ErrorState error={this.state.error} title="This screen hit an error" onRetry={() => this.setState({ error: null })} />;
    }
    return this.props.children;
  }
}
