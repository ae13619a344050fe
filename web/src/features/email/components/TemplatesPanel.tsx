// Email templates (managers): pick one, edit its subject and text, preview
// it with sample values for its variables (SQL renders and validates them),
// save it. Its variables are listed; a placeholder it does not declare is
// refused by SQL (SP400).
import { type FormEvent, useState } from "react";
import { Banner } from "../../../components/ui";
import { QueryState } from "../../../components/QueryState";
import { errorMessage } from "../../../lib/errors";
import { type Template, usePreviewTemplate, useSaveTemplate, useTemplates } from "../api/templates";

function Editor({ t }: { t: Template }) {
  const [subject, setSubject] = useState(t.subject);
  const [body, setBody] = useState(t.body_text);
  const save = useSaveTemplate();
  const preview = usePreviewTemplate();
  const sample = Object.fromEntries(t.variables.map((v) => [v, `[${v}]`]));

  function submit(e: FormEvent) {
    e.preventDefault();
    save.mutate({ key: t.key, subject, body_text: body }, { onSuccess: () => preview.reset() });
  }

  return (
    <form className="mail-compose" onSubmit={submit} aria-label={`Template: ${t.name}`}>
      <p className="muted">
        Variables: {[...t.variables, ...t.late_variables].map((v) => `{{${v}}}`).join(", ") || "none"}
        {t.late_variables.length > 0 && " (filled in when sent)"}
      </p>
      <label>
        Subject
        <input name="template-subject" required maxLength={300} value={subject} onChange={(e) => setSubject(e.target.value)} />
      </label>
      <label>
        Text
        <textarea name="template-body" required maxLength={10000} rows={10} value={body} onChange={(e) => setBody(e.target.value)} />
      </label>
      {save.isError && <Banner kind="error">{errorMessage(save.error)}</Banner>}
      {save.isSuccess && <Banner kind="success">Template saved.</Banner>}
      <div className="mail-actions">
        <button type="submit" disabled={save.isPending}>{save.isPending ? "Saving…" : "Save template"}</button>
        <button type="button" className="secondary" onClick={() => preview.mutate({ key: t.key, variables: sample })} disabled={preview.isPending}>
          Preview saved template
        </button>
      </div>
      {preview.isError && <Banner kind="error">{errorMessage(preview.error)}</Banner>}
      {preview.data && (
        <section className="mail-message" aria-label="Preview" data-testid="template-preview">
          <strong>{preview.data.subject}</strong>
          <p className="mail-body">{preview.data.text}</p>
        </section>
      )}
    </form>
  );
}

export function TemplatesPanel() {
  const templates = useTemplates();
  const [key, setKey] = useState<string | null>(null);
  return (
    <QueryState query={templates} loading="Loading templates…" empty="No templates">
      {(rows: Template[]) => {
        const current = rows.find((t) => t.key === (key ?? rows[0].key)) ?? rows[0];
        return (
          <div className="mail-compose">
            <h2>Email templates</h2>
            <label>
              Template
              <select value={current.key} onChange={(e) => setKey(e.target.value)}>
                {rows.map((t) => <option key={t.key} value={t.key}>{t.name}</option>)}
              </select>
            </label>
            <Editor key={current.key} t={current} />
          </div>
        );
      }}
    </QueryState>
  );
}
