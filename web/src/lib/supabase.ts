import { createClient } from "@supabase/supabase-js";
// One generated types file, shared with the Edge Functions.
import type { Database } from "../../../supabase/functions/_shared/database.types";
import { parseEnv } from "../config/env";

export type { Database };
export const env = parseEnv(import.meta.env);
export const supabase = createClient<Database>(env.supabaseUrl, env.supabaseAnonKey);
