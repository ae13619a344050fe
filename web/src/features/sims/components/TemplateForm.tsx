// Create or edit a SIM template (managers): the buyer's persona and
// difficulty, the scenario, objectives (one a line), the objections and from
// which of the rep's turns the buyer raises them ("2 | Too expensive"), the
// scorecard that judges it, the time limit and maximum attempts.
import { type FormEvent, useState } from "react";
import { Banner } from "../../../components/ui";
import { errorMessage } from "../../../lib/errors";
import { useScorecards } from "../../../lib/queries/scorecards";
import { useOrg } from "../../../lib/session";
import type { SimTemplate } from "../api/listTemplates";
import { useSaveTemplate } from "../api/saveTemplate";

type Objection = { text: string; after_turn: number };

export function parseObjections(text: string): Objection[] {
  return text.split("\n").map((l) => l.trim()).filter(Boolean).slice(0, 10).map((l) => {
    const m = /^(\d{1,2})\s*\|\s*(.+)$/.exec(l);
    return m ? { after_turn: Number(m[1]), text: m[2].slice(0, 300) } : { after_turn: 1, text: l.slice(0, 300) };
  });
}

export function TemplateForm({ template, onDone }: { template: SimTemplate | null; onDone: () => void }) {
  const { orgId } = useOrg();
  const cards = useScorecards();
  const save = useSaveTemplate(orgId);
  const [f, setF] = useState({
    name: template?.name ?? "",
    persona_name: template?.persona_name ?? "",
    persona_role: template?.persona_role ?? "",
    company: template?.company ?? "",
    temperament: template?.temperament ?? "neutral",
    difficulty: String(template?.difficulty ?? 3),
    scenario: template?.scenario ?? "",
    objectives: (template?.objectives ?? []).join("\n"),
    objections: ((template?.objections ?? []) as Objection[]).map((o) => `${o.after_turn} | ${o.text}`).join("\n"),
    scorecard_id: template?.scorecard_id ?? "",
    time_limit_minutes: String(template?.time_limit_minutes ?? 10),
    max_attempts: template?.max_attempts != null ? String(template.max_attempts) : "",
  });
  const field = (k: keyof typeof f) => ({ name: k, value: f[k], onChange: (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value }) });
  function submit(e: FormEvent) {
    e.preventDefault();
    save.mutate({
      id: template?.id ?? null,
      t: {
        name: f.name.trim(), persona_name: f.persona_name.trim(), persona_role: f.persona_role.trim(), company: f.company.trim(),
        temperament: f.temperament.trim(), difficulty: Number(f.difficulty), scenario: f.scenario.trim(),
        objectives: f.objectives.split("\n").map((l) => l.trim()).filter(Boolean).slice(0, 10),
        objections: parseObjections(f.objections), scorecard_id: f.scorecard_id,
        time_limit_minutes: Number(f.time_limit_minutes), max_attempts: f.max_attempts ? Number(f.max_attempts) : null,
      },
    }, { onSuccess: onDone });
  }
  return (
    <form className="stack sim-form" onSubmit={submit} aria-label={template ? `Edit ${template.name}` : "New SIM"}>
      <label>Name<input required maxLength={200} {...field("name")} /></label>
      <label>Buyer's name<input required maxLength={100} {...field("persona_name")} /></label>
      <label>Buyer's role<input required maxLength={100} {...field("persona_role")} /></label>
      <label>Company<input required maxLength={100} {...field("company")} /></label>
      <label>Temperament<input required maxLength={200} {...field("temperament")} /></label>
      <label>
        Difficulty (1 easy – 5 hard: objection rate and patience)
        <input type="number" min="1" max="5" required {...field("difficulty")} />
      </label>
      <label>Scenario<textarea required maxLength={2000} rows={3} {...field("scenario")} /></label>
      <label>Objectives (one a line)<textarea maxLength={2000} rows={3} {...field("objectives")} /></label>
      <label>Objections (one a line: "rep turn | objection")<textarea maxLength={3000} rows={3} {...field("objections")} /></label>
      <label>
        Scorecard
        <select required {...field("scorecard_id")}>
          <option value="">Choose…</option>
          {(cards.data ?? []).map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
        </select>
      </label>
      <label>Time limit (minutes)<input type="number" min="1" max="60" required {...field("time_limit_minutes")} /></label>
      <label>Maximum attempts (empty: unlimited)<input type="number" min="1" max="100" {...field("max_attempts")} /></label>
      <div className="sim-actions">
        <button type="submit" disabled={save.isPending}>Save SIM</button>
        <button type="button" className="secondary" onClick={onDone}>Cancel</button>
      </div>
      {save.error && <Banner kind="error">{errorMessage(save.error)}</Banner>}
    </form>
  );
}
