// What-if scenarios (/app/what-if; owners, admins, managers): inputs pre-filled
// from the organization's measured figures (each with its sample size, never
// an invented default), the projection per week/month/quarter, the
// conversation lever (adherence → conversion, 95 % interval and n, or "not
// enough calls yet"), saving named scenarios and comparing them side by side.
import { type FormEvent, useEffect, useState } from "react";
import { Banner, Card, EmptyState, ErrorState, Spinner } from "../../../components/ui";
import { errorMessage } from "../../../lib/errors";
import { fmtMoney, fmtNum, fmtPct } from "../../../lib/format";
import { useOrg } from "../../../lib/session";
import { MAX_COMPARE, useComparison } from "../api/compareScenarios";
import { useDeleteScenario } from "../api/deleteScenario";
import { type Baseline, type Lever, useScenarioBaseline, WINDOWS } from "../api/getScenarioBaseline";
import { canProject, type Projection, useScenarioProjection } from "../api/getScenarioProjection";
import { type SavedScenario, useScenarios } from "../api/getScenarios";
import { useSaveScenario } from "../api/saveScenario";
import { type Draft, fromDraft, INPUT_KEYS, INPUT_META, type InputKey, type Inputs, REQUIRED, toDraft, toField } from "../inputs";
import { CompareChart } from "./CompareChart";

function measuredInputs(b: Baseline): Inputs {
  const out: Inputs = {};
  for (const k of INPUT_KEYS) if (b.figures[k]?.value != null) out[k] = b.figures[k].value!;
  return out;
}

/** The draft, debounced: the projection follows typing without a request per key. */
function useDebounced<T>(value: T, ms = 350): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

function LeverText({ lever, what, unit }: { lever: Lever; what: string; unit: string }) {
  if (lever.status !== "ok") {
    return (
      <p data-testid={`lever-${what}`} data-status="insufficient_data">
        <strong>Not enough calls yet</strong> to measure how {what} moves conversion: {fmtNum(lever.n)} analyzed calls with{" "}
        {fmtNum(lever.conversions)} conversions; it needs at least {lever.min_n} calls with 5 conversions and 5 non-conversions.
      </p>
    );
  }
  const [lo, hi] = lever.conversion_points_per_unit_ci95;
  const sign = (v: number) => `${v >= 0 ? "+" : "−"}${fmtNum(Math.abs(v), 1)}`;
  return (
    <p data-testid={`lever-${what}`} data-status="ok">
      <strong>{unit} of {what}</strong> went with <strong>{sign(lever.conversion_points_per_unit)} conversion points</strong>{" "}
      (95 % CI {sign(lo)} to {sign(hi)}, n = {fmtNum(lever.n)} calls){lever.significant ? "" : " — not distinguishable from no effect"}.
    </p>
  );
}

function ProjectionView({ p, currency, baseline }: { p: Projection; currency: string; baseline: Baseline }) {
  const effect = p.adherence_effect;
  return (
    <>
      <div className="table-wrap">
        <table className="wi-projection" data-testid="projection">
          <thead><tr><th scope="col" /><th scope="col" className="num">Week</th><th scope="col" className="num">Month</th><th scope="col" className="num">Quarter</th></tr></thead>
          <tbody>
            <tr><th scope="row">Calls</th><td className="num">{fmtNum(p.calls.week)}</td><td className="num">{fmtNum(p.calls.month)}</td><td className="num">{fmtNum(p.calls.quarter)}</td></tr>
            <tr><th scope="row">Conversions</th><td className="num">{fmtNum(p.conversions.week, 1)}</td><td className="num">{fmtNum(p.conversions.month, 1)}</td><td className="num">{fmtNum(p.conversions.quarter, 1)}</td></tr>
            <tr className="wi-revenue">
              <th scope="row">Revenue</th>
              <td className="num">{fmtMoney(p.revenue.week, currency)}</td>
              <td className="num" data-testid="revenue-month" data-value={p.revenue.month}>{fmtMoney(p.revenue.month, currency)}</td>
              <td className="num">{fmtMoney(p.revenue.quarter, currency)}</td>
            </tr>
            {p.revenue_ci95 && (
              <tr className="wi-ci-row" data-testid="revenue-ci">
                <th scope="row">95 % interval</th>
                <td />
                <td className="num">{fmtMoney(p.revenue_ci95.month[0], currency)} – {fmtMoney(p.revenue_ci95.month[1], currency)}</td>
                <td className="num">{fmtMoney(p.revenue_ci95.quarter[0], currency)} – {fmtMoney(p.revenue_ci95.quarter[1], currency)}</td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      {effect?.status === "applied" && (
        <Banner kind="info">
          <span data-testid="adherence-effect">
            Adherence {effect.adherence_change >= 0 ? "+" : "−"}{fmtNum(Math.abs(effect.adherence_change), 1)} points → conversion{" "}
            {fmtPct(baseline.figures.conversion_rate.value)} → <strong>{fmtPct(effect.conversion_rate)}</strong>{" "}
            (95 % CI {fmtPct(effect.conversion_rate_ci95[0])}–{fmtPct(effect.conversion_rate_ci95[1])}, n = {fmtNum(effect.n)} calls).
          </span>
        </Banner>
      )}
      {effect?.status === "insufficient_data" && (
        <Banner kind="warning">
          <span data-testid="adherence-effect">Not enough calls yet to apply the adherence change ({fmtNum(effect.n)} of {effect.min_n} analyzed calls): the projection keeps your conversion rate.</span>
        </Banner>
      )}
      {p.goal_gaps.length > 0 && (
        <div className="wi-gaps">
          <h3>Against the organization's goals</h3>
          <ul>
            {p.goal_gaps.map((g) => (
              <li key={g.goal_id}>
                {g.name}: projected {fmtNum(g.projected, 2)} of {fmtNum(g.target, 2)} —{" "}
                {g.gap > 0 ? <span className="badge bad">short by {fmtNum(g.gap, 2)}</span> : <span className="badge good">on target</span>}
              </li>
            ))}
          </ul>
        </div>
      )}
      <p className="muted wi-formula">{p.formula}</p>
    </>
  );
}

function Saved({ onLoad, currency }: { onLoad: (s: SavedScenario) => void; currency: string }) {
  const { orgId } = useOrg();
  const saved = useScenarios();
  const del = useDeleteScenario(orgId);
  const [picked, setPicked] = useState<string[]>([]);
  const [compare, setCompare] = useState<string[]>([]);
  const cmp = useComparison(compare);
  if (saved.isPending) return <Spinner label="Loading saved scenarios…" />;
  if (saved.isError) return <ErrorState error={saved.error} title="Couldn't load saved scenarios" onRetry={() => saved.refetch()} />;
  if (!saved.data.length) return <EmptyState title="No saved scenarios yet">Name the inputs above and save them to compare later.</EmptyState>;
  const present = compare.filter((id) => saved.data.some((s) => s.id === id));
  return (
    <>
      <ul className="wi-saved">
        {saved.data.map((s) => (
          <li key={s.id} data-testid="saved-scenario">
            <label className="check">
              <input
                type="checkbox"
                checked={picked.includes(s.id)}
                disabled={!picked.includes(s.id) && picked.length >= MAX_COMPARE}
                onChange={(e) => setPicked(e.target.checked ? [...picked, s.id] : picked.filter((x) => x !== s.id))}
              />
              {s.name}
            </label>
            <span className="muted">{s.window_days}-day figures</span>
            <button type="button" className="link" onClick={() => onLoad(s)}>Load</button>
            <button type="button" className="link" onClick={() => del.mutate(s.id)} disabled={del.isPending}>Delete</button>
          </li>
        ))}
      </ul>
      {del.isError && <p className="inline-error" role="alert">{errorMessage(del.error)}</p>}
      <button type="button" className="secondary" disabled={picked.length === 0} onClick={() => setCompare(picked)}>
        Compare {picked.length ? `${picked.length} ` : ""}side by side
      </button>
      {present.length > 0 && (
        <div className="wi-compare">
          {cmp.isPending ? <Spinner label="Comparing…" /> : cmp.isError ? <ErrorState error={cmp.error} onRetry={() => cmp.refetch()} /> : (
            <>
              <CompareChart rows={cmp.data} currency={currency} />
              <div className="table-wrap">
                <table className="wi-compare-table">
                  <thead>
                    <tr><th scope="col">Input</th>{cmp.data.map((c) => <th key={c.id} scope="col" className="num">{c.name}</th>)}</tr>
                  </thead>
                  <tbody>
                    {INPUT_KEYS.map((k) => (
                      <tr key={k}>
                        <th scope="row">{INPUT_META[k].label}</th>
                        {cmp.data.map((c) => <td key={c.id} className="num">{c.inputs[k] == null ? "—" : `${toField(k, c.inputs[k])}${INPUT_META[k].unit === "%" ? " %" : ""}`}</td>)}
                      </tr>
                    ))}
                    <tr className="wi-revenue">
                      <th scope="row">Revenue / month</th>
                      {cmp.data.map((c) => <td key={c.id} className="num">{fmtMoney(c.projection.revenue.month, currency)}</td>)}
                    </tr>
                  </tbody>
                </table>
              </div>
            </>
          )}
        </div>
      )}
    </>
  );
}

export function WhatIfPage() {
  const { isManager } = useOrg();
  if (!isManager) {
    return (
      <div className="whatif">
        <h1>What-if</h1>
        <EmptyState title="What-if scenarios are for owners, admins and managers">They project the whole organization's revenue from its measured figures.</EmptyState>
      </div>
    );
  }
  return <Scenarios />;
}

function Scenarios() {
  const { orgId, org } = useOrg();
  const [windowDays, setWindowDays] = useState(90);
  const baseline = useScenarioBaseline(windowDays);
  const [draft, setDraft] = useState<Draft | null>(null);
  const [name, setName] = useState("");
  const [savedMsg, setSavedMsg] = useState("");
  const save = useSaveScenario(orgId);
  const saved = useScenarios();

  // Pre-fill from the measured figures whenever a (new) window's baseline arrives.
  useEffect(() => {
    if (baseline.data) setDraft(toDraft(measuredInputs(baseline.data)));
  }, [baseline.data]);

  const { inputs, invalid } = fromDraft(draft ?? toDraft({}));
  const debounced = useDebounced(inputs);
  const projection = useScenarioProjection(invalid ? {} : debounced, windowDays);

  if (baseline.isPending || (baseline.data && !draft)) return <div className="whatif"><h1>What-if</h1><Spinner label="Measuring your figures…" /></div>;
  if (baseline.isError) {
    return <div className="whatif"><h1>What-if</h1><ErrorState error={baseline.error} title="Couldn't measure your figures" onRetry={() => baseline.refetch()} /></div>;
  }
  const b = baseline.data;
  const d = draft!;
  const adherence = b.levers.script_adherence;
  const measuredAdh = b.figures.script_adherence.value;
  const noData = INPUT_KEYS.every((k) => b.figures[k].value == null);

  function raiseAdherence() {
    const base = Number(d.script_adherence || measuredAdh || 0);
    setDraft({ ...d, script_adherence: String(Math.min(100, Math.round((base + 10) * 10) / 10)) });
  }
  function submitSave(e: FormEvent) {
    e.preventDefault();
    const trimmed = name.trim();
    if (!trimmed) return;
    const existing = saved.data?.find((s) => s.name === trimmed);
    save.mutate({ id: existing?.id, name: trimmed, inputs, window_days: windowDays }, {
      onSuccess: () => { setSavedMsg(`Saved “${trimmed}”.`); setName(""); },
    });
  }

  return (
    <div className="whatif">
      <div className="page-head">
        <h1>What-if</h1>
        <label className="inline-field">
          Measured over
          <select value={windowDays} onChange={(e) => { setDraft(null); setWindowDays(Number(e.target.value)); }}>
            {WINDOWS.map((w) => <option key={w} value={w}>the last {w} days</option>)}
          </select>
        </label>
      </div>
      {noData && <Banner kind="info">There is not enough data in this window to measure anything yet: enter your own figures to project.</Banner>}
      <div className="wi-layout">
        <Card title="Inputs" className="wi-inputs">
          <p className="muted">Pre-filled from what your team measured; change any figure to see its effect.</p>
          <div className="wi-fields">
            {INPUT_KEYS.map((k: InputKey) => {
              const f = b.figures[k];
              const meta = INPUT_META[k];
              return (
                <label key={k} className={invalid === k ? "wi-invalid" : ""}>
                  <span>{meta.label}{meta.unit ? ` (${meta.unit})` : meta.money ? ` (${org.currency})` : ""}{REQUIRED.includes(k) ? " *" : ""}</span>
                  <input
                    type="number" inputMode="decimal" min="0" max={meta.max} step={meta.step} name={k}
                    value={d[k]} onChange={(e) => setDraft({ ...d, [k]: e.target.value })}
                    aria-describedby={`wi-${k}-hint`}
                  />
                  <small id={`wi-${k}-hint`} className="muted" data-testid={`measured-${k}`}>
                    {f.value == null
                      ? "No data yet — enter your own figure"
                      : `Measured ${toField(k, f.value)}${meta.unit === "%" ? " %" : ""} · n = ${fmtNum(f.n)}`}
                  </small>
                </label>
              );
            })}
          </div>
          <div className="form-actions">
            <button type="button" className="secondary" onClick={raiseAdherence}>Adherence +10 points</button>
            <button type="button" className="secondary" onClick={() => setDraft(toDraft(measuredInputs(b)))}>Reset to measured</button>
          </div>
        </Card>
        <div className="wi-side">
          <Card title="Projection">
            {invalid
              ? <p className="inline-error" role="alert">{INPUT_META[invalid].label} is out of range.</p>
              : !canProject(inputs)
              ? <EmptyState title="Not enough to project yet">Fill in agents, calls per agent per day, working days and conversion rate.</EmptyState>
              : projection.isPending
              ? <Spinner label="Projecting…" />
              : projection.isError && !projection.data
              ? <ErrorState error={projection.error} title="Couldn't project" onRetry={() => projection.refetch()} />
              : <ProjectionView p={projection.data!} currency={org.currency} baseline={b} />}
          </Card>
          <Card title="What your calls say">
            <LeverText lever={adherence} what="script adherence" unit="Each +10 points" />
            <LeverText lever={b.levers.customer_sentiment} what="customer sentiment" unit="Each +0.1" />
            <p className="muted">Measured on your own analyzed calls over the last {b.window_days} days. It is an association, not a promise: better agents may both follow the script and close more.</p>
          </Card>
        </div>
      </div>
      <Card title="Saved scenarios">
        <form className="wi-save" onSubmit={submitSave} aria-label="Save scenario">
          <label>
            Scenario name
            <input value={name} maxLength={200} onChange={(e) => setName(e.target.value)} placeholder="e.g. Two more agents" />
          </label>
          <button type="submit" disabled={!name.trim() || !canProject(inputs) || save.isPending}>Save scenario</button>
        </form>
        {save.isError && <p className="inline-error" role="alert">{errorMessage(save.error)}</p>}
        {savedMsg && !save.isError && <p className="muted" role="status">{savedMsg}</p>}
        <Saved currency={org.currency} onLoad={(s) => { setDraft(toDraft(s.inputs)); setName(s.name); setSavedMsg(""); }} />
      </Card>
    </div>
  );
}
