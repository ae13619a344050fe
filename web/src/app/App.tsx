import { useQuery } from "@tanstack/react-query";
import { env } from "../lib/supabase";

async function fetchApiStatus(): Promise<"up" | "down"> {
  const res = await fetch(`${env.supabaseUrl}/rest/v1/`, { headers: { apikey: env.supabaseAnonKey } });
  return res.ok ? "up" : "down";
}

export function App() {
  const api = useQuery({ queryKey: ["api-status"], queryFn: fetchApiStatus, retry: 1 });
  return (
    <main style={{ fontFamily: "system-ui, sans-serif", maxWidth: 640, margin: "4rem auto", padding: "0 1rem" }}>
      <h1>SalesPulse</h1>
      <p>Call intelligence and sales performance for phone sales teams.</p>
      <p role="status">
        API:{" "}
        {api.isPending ? "checking…" : api.isError ? "unreachable" : api.data === "up" ? "connected" : "not answering"}
      </p>
    </main>
  );
}
