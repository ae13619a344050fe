// The default call script's checklist: items are {id, label, description?}
// (call_scripts.items; the analyzer's ScriptItem). Ids are slugs made from the
// label once, when an item is first saved, and never change afterwards —
// insights refer to them.
import { z } from "zod/mini";

export const ScriptItem = z.object({
  id: z.string().check(z.minLength(1), z.maxLength(64)),
  label: z.string(),
  description: z.optional(z.nullable(z.string())),
});
// A type alias (not an interface) so that it is assignable to the jsonb column's Json type.
export type ScriptItem = {
  id: string;
  label: string;
  description?: string;
};

/** An item being edited: `id` is null until it is first saved. */
export interface DraftItem {
  key: string;
  id: string | null;
  label: string;
  description: string;
}

export const MAX_ITEMS = 50;
export const MAX_LABEL = 200;
export const MAX_DESCRIPTION = 1000;

/** "Ask for the sale!" → "ask_for_the_sale" (lowercase ASCII, underscores, at most 48 characters). */
export function slugify(label: string): string {
  return label
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "")
    .slice(0, 48)
    .replace(/_+$/, "");
}

/** The items to save: existing ids kept, new items get a slug unique within the script. */
export function toItems(draft: DraftItem[]): ScriptItem[] {
  const used = new Set(draft.filter((d) => d.id).map((d) => d.id!));
  return draft.map((d) => {
    let id = d.id;
    if (!id) {
      const base = slugify(d.label) || "item";
      id = base;
      for (let n = 2; used.has(id); n++) id = `${base}_${n}`;
      used.add(id);
    }
    const label = d.label.trim();
    const description = d.description.trim();
    return description ? { id, label, description } : { id, label };
  });
}

export function fromItems(items: ScriptItem[]): DraftItem[] {
  return items.map((i) => ({ key: i.id, id: i.id, label: i.label, description: i.description ?? "" }));
}

/** Moves the item at `index` by `by` places (-1 up, +1 down); out of range: unchanged. */
export function move<T>(list: T[], index: number, by: number): T[] {
  const to = index + by;
  if (index < 0 || index >= list.length || to < 0 || to >= list.length) return list;
  const next = [...list];
  const [item] = next.splice(index, 1);
  next.splice(to, 0, item);
  return next;
}

/** What is wrong with the draft, for the person editing it (empty: savable). */
export function problems(name: string, draft: DraftItem[]): string[] {
  const out: string[] = [];
  if (!name.trim()) out.push("Give the script a name.");
  if (name.trim().length > 200) out.push("The script's name is too long (200 characters at most).");
  if (draft.length > MAX_ITEMS) out.push(`A script has at most ${MAX_ITEMS} items.`);
  draft.forEach((d, i) => {
    if (!d.label.trim()) out.push(`Item ${i + 1} needs a label.`);
    if (d.label.trim().length > MAX_LABEL) out.push(`Item ${i + 1}'s label is too long (${MAX_LABEL} characters at most).`);
    if (d.description.trim().length > MAX_DESCRIPTION) {
      out.push(`Item ${i + 1}'s description is too long (${MAX_DESCRIPTION} characters at most).`);
    }
  });
  return out;
}
