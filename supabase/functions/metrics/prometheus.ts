// Prometheus text exposition (format 0.0.4) of the rows public.staff_metrics() returns.

export interface Sample {
  metric: string;
  labels: Record<string, string> | null;
  value: number;
}

const HELP: Record<string, [type: "gauge" | "counter" | "histogram", help: string]> = {
  salespulse_jobs: ["gauge", "Jobs in the queue by kind and status (dead = dead-lettered)."],
  salespulse_job_failed_attempts_total: ["counter", "Job attempts that failed (retried or dead-lettered), by kind."],
  salespulse_job_duration_seconds: ["histogram", "Time from enqueue to finish of finished jobs, by kind."],
  salespulse_webhook_events_total: ["counter", "Provider webhook deliveries by provider and outcome."],
  salespulse_analysis_latency_seconds: ["histogram", "Time the analyzer (model or offline) took per insight."],
  salespulse_provider_errors_total: ["counter", "Failed attempts at provider work (transcription and analysis), by job outcome."],
  salespulse_analysis_cost_usd_total: ["counter", "What the analyses cost in model fees (USD), by analyzer and model."],
  salespulse_analysis_tokens_total: ["counter", "Model tokens used by the analyses, by direction and model."],
  salespulse_provider_cost_usd_total: ["counter", "Provider fees recorded (USD), by provider and item."],
};

const family = (metric: string) => metric.replace(/_(bucket|sum|count)$/, "") in HELP ? metric.replace(/_(bucket|sum|count)$/, "") : metric;

const escape = (v: string) => v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"');

function number(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  return String(v);
}

/** The samples as Prometheus text, grouped by family with # HELP and # TYPE. */
export function toPrometheus(samples: Sample[]): string {
  const families = new Map<string, Sample[]>();
  for (const name of Object.keys(HELP)) families.set(name, []);
  for (const s of samples) {
    const f = family(s.metric);
    if (!families.has(f)) families.set(f, []);
    families.get(f)!.push(s);
  }
  const out: string[] = [];
  for (const [name, rows] of families) {
    const [type, help] = HELP[name] ?? ["gauge", name];
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
    for (const r of rows) {
      const labels = Object.entries(r.labels ?? {}).map(([k, v]) => `${k}="${escape(String(v))}"`).join(",");
      out.push(`${r.metric}${labels ? `{${labels}}` : ""} ${number(Number(r.value))}`);
    }
  }
  return out.join("\n") + "\n";
}
