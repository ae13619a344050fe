// Period (presets or custom dates) and agent filter; every change is written to the URL.
import { useId, useRef } from "react";
import { useAgentOptions } from "../api/getAgentOptions";
import { type DashboardFilters, isIsoDate, PRESET_DAYS, presetRange, type PresetDays } from "../filters";
import { errorMessage } from "../../../lib/errors";

export function DashboardFiltersBar({ filters, preset, today, onChange }: {
  filters: DashboardFilters;
  preset: PresetDays | "custom";
  today: string;
  onChange: (patch: Partial<DashboardFilters>) => void;
}) {
  const agents = useAgentOptions();
  const fromRef = useRef<HTMLInputElement>(null);
  const errorId = useId();
  const agentList = agents.data ?? [];
  const unknownAgent = filters.agentId && agents.isSuccess && !agentList.some((a) => a.id === filters.agentId);

  return (
    <section className="card dash-filters" aria-label="Dashboard filters">
      <div className="filters">
        <label>
          Period
          <select
            value={String(preset)}
            onChange={(e) => {
              if (e.target.value === "custom") fromRef.current?.focus();
              else onChange(presetRange(Number(e.target.value), today));
            }}
          >
            {PRESET_DAYS.map((d) => <option key={d} value={String(d)}>Last {d} days</option>)}
            <option value="custom">Custom range</option>
          </select>
        </label>
        <label>
          From
          <input
            ref={fromRef}
            type="date"
            name="from"
            value={filters.from}
            max={filters.to}
            required
            onChange={(e) => { if (isIsoDate(e.target.value)) onChange({ from: e.target.value }); }}
          />
        </label>
        <label>
          To
          <input
            type="date"
            name="to"
            value={filters.to}
            min={filters.from}
            required
            onChange={(e) => { if (isIsoDate(e.target.value)) onChange({ to: e.target.value }); }}
          />
        </label>
        <label>
          Agent
          <select
            name="agent"
            value={filters.agentId ?? ""}
            disabled={agents.isPending}
            aria-describedby={agents.isError ? errorId : undefined}
            onChange={(e) => onChange({ agentId: e.target.value || null })}
          >
            <option value="">{agents.isPending ? "Loading agents…" : "All agents"}</option>
            {unknownAgent && <option value={filters.agentId!}>Unknown agent</option>}
            {agentList.map((a) => <option key={a.id} value={a.id}>{a.name}{a.active ? "" : " (inactive)"}</option>)}
          </select>
        </label>
        {agents.isError && (
          <p id={errorId} className="dash-inline-error" role="alert">
            Couldn't load agents: {errorMessage(agents.error)}{" "}
            <button type="button" className="link" onClick={() => agents.refetch()}>Try again</button>
          </p>
        )}
      </div>
    </section>
  );
}
