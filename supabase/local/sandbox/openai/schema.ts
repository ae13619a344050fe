// JSON Schema: strict-mode checks (as OpenAI does them) and deterministic value generation.
import {
  analyzeTranscript,
  countHits,
  GENERIC_PATH_WORDS,
  type Sentence,
  TOPICS,
  type Transcript,
} from "./transcript.ts";
import { fnv1a, hex, isObj, type Json, type Obj, round2 } from "./types.ts";

export function pyTuple(ctx: string[]): string {
  if (!ctx.length) return "()";
  const items = ctx.map((c) => `'${c}'`);
  return items.length === 1 ? `(${items[0]},)` : `(${items.join(", ")})`;
}

/** OpenAI's strict-mode checks; returns the problem in OpenAI's wording or null. */
export function strictSchemaProblem(schema: unknown): string | null {
  if (!isObj(schema)) return "schema must be a JSON Schema object.";
  const rootType = schema.type;
  if (rootType !== "object") {
    return `schema must be a JSON Schema of 'type: "object"', got 'type: "${
      rootType === undefined ? "None" : String(rootType)
    }"'.`;
  }
  const walk = (node: unknown, ctx: string[]): string | null => {
    if (!isObj(node)) return null;
    const types = Array.isArray(node.type) ? node.type : [node.type];
    if (types.includes("object") || isObj(node.properties)) {
      if (node.additionalProperties !== false) {
        return `In context=${
          pyTuple(ctx)
        }, 'additionalProperties' is required to be supplied and to be false.`;
      }
      const props = Object.keys(isObj(node.properties) ? node.properties : {});
      const required = Array.isArray(node.required) ? node.required : [];
      const missing = props.filter((p) => !required.includes(p));
      if (missing.length) {
        return `In context=${
          pyTuple(ctx)
        }, 'required' is required to be supplied and to be an array including every key in properties. Missing '${
          missing[0]
        }'.`;
      }
      for (const p of props) {
        const r = walk((node.properties as Obj)[p], [...ctx, "properties", p]);
        if (r) return r;
      }
    }
    if (node.items !== undefined) {
      const r = walk(node.items, [...ctx, "items"]);
      if (r) return r;
    }
    for (const key of ["anyOf", "allOf"] as const) {
      const list = node[key];
      if (Array.isArray(list)) {
        for (let i = 0; i < list.length; i++) {
          const r = walk(list[i], [...ctx, key, String(i)]);
          if (r) return r;
        }
      }
    }
    for (const key of ["$defs", "definitions"] as const) {
      const defs = node[key];
      if (isObj(defs)) {
        for (const [k, v] of Object.entries(defs)) {
          const r = walk(v, [...ctx, key, k]);
          if (r) return r;
        }
      }
    }
    return null;
  };
  return walk(schema, []);
}

const QUOTE_NAME =
  /(^|_)(quote|quotes|evidence|excerpt|snippet|citation|verbatim|utterance|transcript_span)(_|$)/;
export const TIME_NAME =
  /^(time|start|start_time|start_s|start_sec|start_seconds|timestamp|ts|at|at_s|offset|offset_s|seconds|second|position|time_s|t)$/;
export const END_NAME = /^(end|end_time|end_s|end_sec|end_seconds|until)$/;
export const MONEY_NAME =
  /amount|revenue|price|total|usd|dollar|mrr|arr|deal_size|upsell|cents|cost|value_usd/;
export const CONF_NAME = /confidence|probability|likelihood|certainty/;
export const SENTIMENT_NAME = /sentiment|polarity|tone/;
export const CONVERT_NAME =
  /convert|conversion|closed|won|sold|purchased|agreed|booked|signed|success/;
export const CHECK_NAME =
  /followed|covered|mentioned|met|done|completed|present|adhered|asked|greeted|compliant|passed|included|disclosed/;
export const NEGATIVE_FLAG_NAME = /objection|complaint|escalat|churn|cancel|risk|angry/;
export const REASON_NAME =
  /reason|rationale|explanation|feedback|note|comment|justification|coaching|recommend|suggest|tip|description|detail|next_step|improve/;
export const MAX_DEPTH = 12;

export interface Scope {
  sentence?: Sentence;
  score: number;
  start?: number;
}

export class SchemaFiller {
  #used = new Set<number>();
  constructor(private root: unknown, private t: Transcript) {}

  resolve(node: unknown): unknown {
    let cur = node;
    for (let hops = 0; isObj(cur) && typeof cur.$ref === "string" && hops < 32; hops++) {
      const ref = cur.$ref as string;
      if (!ref.startsWith("#")) return {};
      let target: unknown = this.root;
      for (const raw of ref.slice(1).split("/").filter(Boolean)) {
        const key = decodeURIComponent(raw).replace(/~1/g, "/").replace(/~0/g, "~");
        target = isObj(target)
          ? target[key]
          : Array.isArray(target)
          ? target[Number(key)]
          : undefined;
      }
      cur = target ?? {};
    }
    return cur;
  }

  /** Name of the field a value belongs to (array items take the array's name). */
  static nameOf(path: string[]): string {
    for (let i = path.length - 1; i >= 0; i--) {
      if (!/^\d+$/.test(path[i])) return path[i].toLowerCase();
    }
    return "";
  }
  static indexOf(path: string[]): number {
    for (let i = path.length - 1; i >= 0; i--) if (/^\d+$/.test(path[i])) return Number(path[i]);
    return 0;
  }

  pick(path: string[], markUsed: boolean): { sentence?: Sentence; score: number } {
    const ss = this.t.sentences;
    if (!ss.length) return { score: 0 };
    const pathText = path.join(" ").toLowerCase();
    const words = new Set<string>();
    for (const topic of TOPICS) {
      if (topic.match.test(pathText)) topic.words.forEach((w) => words.add(w));
    }
    for (const seg of path) {
      for (const w of seg.toLowerCase().split(/[^a-z]+/)) {
        if (w.length >= 4 && !GENERIC_PATH_WORDS.has(w)) words.add(w);
      }
    }
    const scored = ss.map((s) => ({ s, score: countHits(s.text, [...words]) }));
    const best = (list: typeof scored) =>
      list.reduce<(typeof scored)[number] | undefined>(
        (b, c) => (b === undefined || c.score > b.score ? c : b),
        undefined,
      );
    const fresh = scored.filter((x) => !this.#used.has(x.s.index));
    const chosen = best(fresh.length ? fresh : scored)!;
    if (markUsed) this.#used.add(chosen.s.index);
    return { sentence: chosen.s, score: chosen.score };
  }

  fill(node: unknown, path: string[], depth: number, scope: Scope): Json {
    const schema = this.resolve(node);
    if (schema === true || !isObj(schema)) return "sandbox";
    if ("const" in schema) return schema.const as Json;
    if (Array.isArray(schema.enum) && schema.enum.length) {
      return this.pickEnum(schema.enum as Json[], path, scope);
    }
    for (const key of ["anyOf", "oneOf"] as const) {
      const list = schema[key];
      if (Array.isArray(list) && list.length) {
        const branches = list.map((b) => this.resolve(b));
        const isNull = (b: unknown) =>
          isObj(b) &&
          (b.type === "null" ||
            (Array.isArray(b.enum) && b.enum.length === 1 && b.enum[0] === null));
        const nonNull = branches.findIndex((b) => !isNull(b));
        const nullIdx = branches.findIndex(isNull);
        const i = depth >= MAX_DEPTH && nullIdx >= 0 ? nullIdx : nonNull >= 0 ? nonNull : 0;
        return this.fill(list[i], path, depth + 1, scope);
      }
    }
    if (Array.isArray(schema.allOf) && schema.allOf.length) {
      const merged: Obj = {};
      for (const part of schema.allOf) Object.assign(merged, this.resolve(part));
      const rest = { ...schema };
      delete rest.allOf;
      return this.fill({ ...merged, ...rest }, path, depth + 1, scope);
    }
    let type = schema.type;
    if (Array.isArray(type)) {
      const nonNull = type.filter((x) => x !== "null");
      type = depth >= MAX_DEPTH && type.includes("null") ? "null" : nonNull[0] ?? "null";
    }
    if (type === undefined) {
      type = isObj(schema.properties) ? "object" : schema.items !== undefined ? "array" : "string";
    }
    switch (type) {
      case "object":
        return this.fillObject(schema, path, depth);
      case "array":
        return this.fillArray(schema, path, depth);
      case "integer":
      case "number":
        return this.fillNumber(schema, path, scope, type === "integer");
      case "boolean":
        return this.fillBoolean(path, scope);
      case "null":
        return null;
      default:
        return this.fillString(schema, path, scope);
    }
  }

  fillObject(schema: Obj, path: string[], depth: number): Json {
    const props = isObj(schema.properties) ? schema.properties : {};
    const scope: Scope = { score: 0 };
    const values: Record<string, Json> = {};
    const keys = Object.keys(props);
    const isQuoteField = (k: string) => {
      const s = this.resolve(props[k]);
      const types = isObj(s) ? (Array.isArray(s.type) ? s.type : [s.type]) : [];
      return QUOTE_NAME.test(k.toLowerCase()) &&
        (types.includes("string") || (isObj(s) && Array.isArray(s.anyOf)));
    };
    // Quote-like fields first: their sentence drives times and check booleans of the same object.
    for (const k of keys.filter(isQuoteField)) {
      values[k] = this.fill(props[k], [...path, k], depth + 1, scope);
    }
    if (
      !scope.sentence &&
      keys.some((k) => TIME_NAME.test(k.toLowerCase()) || CHECK_NAME.test(k.toLowerCase()))
    ) {
      const p = this.pick(path, false);
      scope.sentence = p.sentence;
      scope.score = p.score;
    }
    for (const k of keys) {
      if (!(k in values)) values[k] = this.fill(props[k], [...path, k], depth + 1, scope);
    }
    const out: Record<string, Json> = {};
    for (const k of keys) out[k] = values[k];
    return out;
  }

  fillArray(schema: Obj, path: string[], depth: number): Json {
    const name = SchemaFiller.nameOf(path);
    const min = typeof schema.minItems === "number" ? schema.minItems : 0;
    const max = typeof schema.maxItems === "number" ? schema.maxItems : Infinity;
    let n = 2;
    if (MONEY_NAME.test(name) || /product|line_item/.test(name)) n = this.t.amounts.length;
    else if (NEGATIVE_FLAG_NAME.test(name)) {
      n = this.t.sentences.filter((s) => countHits(s.text, TOPICS[3].words) > 0).length;
    }
    if (depth >= MAX_DEPTH / 2) n = 0;
    n = Math.max(min, Math.min(max, n, 2));
    if (Array.isArray(schema.prefixItems)) {
      return (schema.prefixItems as unknown[]).map((s, i) =>
        this.fill(s, [...path, String(i)], depth + 1, { score: 0 })
      );
    }
    const out: Json[] = [];
    for (let i = 0; i < n; i++) {
      out.push(this.fill(schema.items ?? {}, [...path, String(i)], depth + 1, { score: 0 }));
    }
    return out;
  }

  pickEnum(values: Json[], path: string[], scope: Scope): Json {
    const name = SchemaFiller.nameOf(path);
    const strs = values.map((v) => (typeof v === "string" ? v.toLowerCase() : ""));
    const find = (re: RegExp) => strs.findIndex((s) => re.test(s));
    const pathText = path.join(" ").toLowerCase();
    if (SENTIMENT_NAME.test(pathText) || /label|mood/.test(name)) {
      const s = this.t.sentiment;
      const i = s > 0.2
        ? find(/pos|good|happy/)
        : s < -0.2
        ? find(/neg|bad|angry|unhappy/)
        : find(/neu|mixed|ok/);
      if (i >= 0) return values[i];
    }
    if (/speaker|role|channel|party/.test(name) && scope.sentence?.speaker) {
      const sp = scope.sentence.speaker.toLowerCase();
      const i = strs.findIndex((s) => s && (sp.startsWith(s) || s.startsWith(sp)));
      if (i >= 0) return values[i];
    }
    if (CONVERT_NAME.test(pathText) || /outcome|result|status/.test(name)) {
      const i = this.t.converted
        ? find(/convert|won|closed|yes|sale|success/)
        : find(/not|lost|no|none|fail/);
      if (i >= 0) return values[i];
    }
    const nonNull = values.findIndex((v) => v !== null);
    return values[nonNull >= 0 ? nonNull : 0];
  }

  fillString(schema: Obj, path: string[], scope: Scope): Json {
    const name = SchemaFiller.nameOf(path);
    const maxLength = typeof schema.maxLength === "number" ? schema.maxLength : Infinity;
    const minLength = typeof schema.minLength === "number" ? schema.minLength : 0;
    const fit = (s: string) => {
      let v = s.length > maxLength ? s.slice(0, maxLength) : s;
      while (v.length < minLength) v += ".";
      return v;
    };
    switch (schema.format) {
      case "date-time":
        return "2026-01-05T09:30:00Z";
      case "date":
        return "2026-01-05";
      case "time":
        return "09:30:00";
      case "email":
        return "agent@example.com";
      case "uri":
      case "url":
        return "https://example.com/sandbox";
      case "uuid": {
        const h = [0, 1, 2, 3].map((i) => hex(fnv1a(`${path.join("/")}#${i}`), 8)).join("");
        return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${
          h.slice(20, 32)
        }`;
      }
      case "duration":
        return "PT1M";
      case "ipv4":
        return "127.0.0.1";
    }
    if (QUOTE_NAME.test(name)) {
      const p = this.pick(path, true);
      if (!scope.sentence) {
        scope.sentence = p.sentence;
        scope.score = p.score;
      }
      return p.sentence ? fit(p.sentence.text) : fit("");
    }
    if (/speaker|role|channel|party/.test(name)) {
      return fit(scope.sentence?.speaker?.toLowerCase() ?? "agent");
    }
    if (/currency/.test(name)) return fit("USD");
    if (/^(language|lang|locale)$/.test(name)) return fit("en");
    const first = this.t.sentences[0]?.text;
    if (/summary|overview|synopsis|headline|title|gist/.test(name)) {
      return fit(
        first
          ? `Stand-in summary of the call. It opens with: ${first}`
          : "Stand-in summary of the call.",
      );
    }
    const human = name.replace(/_/g, " ") || "value";
    const basis = scope.sentence?.text ?? first;
    let value = REASON_NAME.test(name) && basis
      ? `Stand-in ${human}, based on: "${basis}"`
      : /^\d+$/.test(path.at(-1) ?? "")
      ? `stand-in ${human} ${SchemaFiller.indexOf(path) + 1}`
      : `stand-in ${human}`;
    if (typeof schema.pattern === "string") {
      try {
        const re = new RegExp(schema.pattern);
        if (!re.test(value)) {
          value = ["sandbox", "A", "a", "0", "A1", "a-1"].find((c) => re.test(c)) ?? value;
        }
      } catch { /* pattern we cannot compile: keep the value */ }
    }
    return fit(value);
  }

  fillNumber(schema: Obj, path: string[], scope: Scope, integer: boolean): Json {
    const name = SchemaFiller.nameOf(path);
    const pathText = path.join(" ").toLowerCase();
    const eps = integer ? 1 : 0.01;
    let lo = typeof schema.minimum === "number" ? schema.minimum : -Infinity;
    let hi = typeof schema.maximum === "number" ? schema.maximum : Infinity;
    if (typeof schema.exclusiveMinimum === "number") {
      lo = Math.max(lo, schema.exclusiveMinimum + eps);
    }
    if (typeof schema.exclusiveMaximum === "number") {
      hi = Math.min(hi, schema.exclusiveMaximum - eps);
    }
    const bounded = Number.isFinite(lo) && Number.isFinite(hi);
    const within = (frac: number) => (bounded ? lo + (hi - lo) * frac : frac);
    let v = 0;
    if (END_NAME.test(name)) {
      v = (scope.start ?? scope.sentence?.time ?? 0) + 4;
    } else if (TIME_NAME.test(name)) {
      const s = scope.sentence;
      const n = Math.max(1, this.t.sentences.length);
      v = s?.time ??
        (bounded ? lo + ((hi - lo) * ((s?.index ?? 0) + 0.5)) / n : (s?.index ?? 0) * 5);
      scope.start = v;
    } else if (SENTIMENT_NAME.test(pathText) && /score|value|sentiment|polarity/.test(name)) {
      const s = this.t.sentiment; // -1..1
      v = bounded
        ? (lo < 0
          ? Math.max(lo, Math.min(hi, s * Math.min(-lo, hi)))
          : lo + ((s + 1) / 2) * (hi - lo))
        : s;
    } else if (CONF_NAME.test(name)) {
      v = within(0.8);
      if (!bounded) v = 0.8;
    } else if (MONEY_NAME.test(name) || (name === "value" && MONEY_NAME.test(pathText))) {
      v = this.t.amounts[SchemaFiller.indexOf(path)] ?? this.t.amounts[0] ?? 0;
      if (/cents/.test(name)) v = Math.round(v * 100);
    } else if (/score|rating|percent|pct|rate|adherence|coverage/.test(name)) {
      v = bounded ? within(0.75) : 0.75;
    } else if (/count|number|num_|qty|quantity/.test(name)) {
      v = 1;
    } else if (/duration|seconds|length/.test(name)) {
      v = Math.max(0, ...this.t.sentences.map((s) => s.time ?? 0)) + 5;
    }
    v = Math.min(hi, Math.max(lo, v));
    if (integer) {
      v = Math.round(v);
      if (v < lo) v = Math.ceil(lo);
      if (v > hi) v = Math.floor(hi);
    } else {
      const r = round2(v);
      v = r < lo || r > hi ? v : r;
    }
    if (typeof schema.multipleOf === "number" && schema.multipleOf > 0) {
      const m = schema.multipleOf;
      let k = Math.round(v / m) * m;
      if (k < lo) k += m;
      if (k > hi) k -= m;
      v = Number(k.toFixed(10));
    }
    return v;
  }

  fillBoolean(path: string[], scope: Scope): Json {
    const name = SchemaFiller.nameOf(path);
    const pathText = path.join(" ").toLowerCase();
    if (CONVERT_NAME.test(name) || (name === "value" && CONVERT_NAME.test(pathText))) {
      return this.t.converted;
    }
    if (/upsell|upgrade/.test(pathText)) return this.t.amounts.length > 0;
    if (NEGATIVE_FLAG_NAME.test(name)) return this.t.sentiment < 0;
    if (CHECK_NAME.test(name)) return scope.score > 0;
    return false;
  }
}

export function fillSchema(schema: unknown, transcriptText: string): Json {
  const filler = new SchemaFiller(schema, analyzeTranscript(transcriptText));
  return filler.fill(schema, [], 0, { score: 0 });
}

/** A value that does NOT satisfy the schema (for the schema_violation fault). */
export function violate(schema: unknown, valid: Json): Json {
  if (isObj(valid)) {
    const req = isObj(schema) && Array.isArray(schema.required)
      ? (schema.required as string[])
      : Object.keys(valid);
    const out: Record<string, Json> = { ...valid };
    if (req.length) delete out[req[0]];
    out.unexpected_field = "not in the schema";
    return out;
  }
  return { unexpected_field: "not in the schema" };
}
