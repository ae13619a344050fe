// Whether a database's applied migrations can be migrated forward to the
// files in supabase/migrations/: its applied versions must be a prefix of
// the files' versions. A database made before the migrations were folded or
// renamed has versions the files no longer have (or in another order).
import { join } from "node:path";
import { ROOT } from "./config.ts";

/** The versions (timestamp prefixes) of the migration files, in apply order. */
export function migrationFileVersions(dir = join(ROOT, "supabase/migrations")): string[] {
  return [...Deno.readDirSync(dir)].filter((e) => e.isFile && e.name.endsWith(".sql"))
    .map((e) => e.name.split("_")[0]).sort();
}

/** null when `applied` is a prefix of `files`; otherwise the first applied version that does not match. */
export function historyMismatch(applied: string[], files: string[]): { index: number; applied: string; file?: string } | null {
  const index = applied.findIndex((v, i) => v !== files[i]);
  return index < 0 ? null : { index, applied: applied[index], file: files[index] };
}
