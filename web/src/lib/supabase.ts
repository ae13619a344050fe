import { createClient } from "@supabase/supabase-js";
import { parseEnv } from "../config/env";

export const env = parseEnv(import.meta.env);
export const supabase = createClient(env.supabaseUrl, env.supabaseAnonKey);
