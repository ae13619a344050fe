// Period (presets or custom dates) and agent filter; every change is written to the URL.
import { useRef } from "react";
import { AgentFilter } from "../../../components/AgentFilter";
import { type DashboardFilters, isIsoDate, PRESET_DAYS, presetRange, type PresetDays } from "../filters";

export function DashboardFiltersBar({ filters, preset, today, onChange, agentFilter = true }: {
  /** Agents see only their own calls: no agent filter for them. */
  agentFilter?: boolean;
  filters: DashboardFilters;
  preset: PresetDays | "custom";
  today: string;
  onChange: (patch: Partial<DashboardFilters>) => void;
}) {
  const fromRef = useRef<HTMLInputElement>(null);

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
        {agentFilter && <AgentFilter value={filters.agentId ?? null} onChange={(agentId) => onChange({ agentId })} />}
      </div>
    </section>
  );
}
