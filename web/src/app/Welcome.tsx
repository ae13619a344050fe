// A signed-in user without an organization creates one (and becomes its owner).
import { useQueryClient } from "@tanstack/react-query";
import { type FormEvent, useState } from "react";
import { Banner } from "../components/ui";
import { errorMessage } from "../lib/errors";
import { supabase } from "../lib/supabase";

export function Welcome() {
  const qc = useQueryClient();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [slug, setSlug] = useState("");
  const onSubmit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    setBusy(true);
    setError(null);
    const { error } = await supabase.rpc("create_organization", { name: String(f.get("name")), slug: String(f.get("slug")) });
    setBusy(false);
    if (error) setError(errorMessage(error));
    else await qc.invalidateQueries({ queryKey: ["memberships"] });
  };
  return (
    <main className="auth">
      <div className="card auth-card">
        <h1>Create your organization</h1>
        <p className="muted">You're not part of an organization yet. Create one, or ask your manager for an invitation.</p>
        <form onSubmit={onSubmit} aria-label="Create organization">
          {error && <Banner kind="error">{error}</Banner>}
          <label>Company name<input name="name" required maxLength={200}
            onChange={(e) => setSlug(e.target.value.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "").slice(0, 48))} /></label>
          <label>Short name (URL)<input name="slug" required value={slug} onChange={(e) => setSlug(e.target.value)} pattern="[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?" /></label>
          <button type="submit" disabled={busy}>{busy ? "Creating…" : "Create organization"}</button>
        </form>
      </div>
    </main>
  );
}
