// OpenAI's error body `{ error: { message, type, param, code } }`, its response headers, and
// the transport faults' answers (429 with retry-after and x-ratelimit-*, 500, 503, any status,
// malformed).
import { type Fault } from "./types.ts";

export const OPENAI_HEADERS = (requestId: string, startedAt: number): Record<string, string> => ({
  "x-request-id": requestId,
  "openai-version": "2020-10-01",
  "openai-organization": "org-sandbox",
  "openai-project": "proj_sandbox",
  "openai-processing-ms": String(Math.max(1, Date.now() - startedAt)),
});

export function errorResponse(
  status: number,
  error: { message: string; type: string; param?: string | null; code?: string | null },
  headers: Record<string, string> = {},
): Response {
  return new Response(
    JSON.stringify({
      error: {
        message: error.message,
        type: error.type,
        param: error.param ?? null,
        code: error.code ?? null,
      },
    }),
    { status, headers: { "content-type": "application/json", ...headers } },
  );
}

export const invalidRequest = (
  message: string,
  param: string | null = null,
  code: string | null = null,
) => errorResponse(400, { message, type: "invalid_request_error", param, code });

export function jsonResponse(
  body: unknown,
  headers: Record<string, string> = {},
  status = 200,
): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}

export function rateLimitHeaders(remainingTokens: number): Record<string, string> {
  return {
    "x-ratelimit-limit-requests": "5000",
    "x-ratelimit-limit-tokens": "800000",
    "x-ratelimit-remaining-requests": "4999",
    "x-ratelimit-remaining-tokens": String(Math.max(0, remainingTokens)),
    "x-ratelimit-reset-requests": "12ms",
    "x-ratelimit-reset-tokens": "0s",
  };
}

export function faultResponse(f: Fault, model: string | null, promptTokens: number): Response {
  switch (f.kind) {
    case "rate_limit": {
      const secs = f.retryAfterSeconds ?? 1;
      const quota = f.code === "insufficient_quota";
      const headers = {
        "retry-after": String(Math.ceil(secs)),
        "retry-after-ms": String(Math.round(secs * 1000)),
        "x-ratelimit-limit-requests": "5000",
        "x-ratelimit-limit-tokens": "30000",
        "x-ratelimit-remaining-requests": "4999",
        "x-ratelimit-remaining-tokens": "0",
        "x-ratelimit-reset-requests": "12ms",
        "x-ratelimit-reset-tokens": `${secs}s`,
      };
      return errorResponse(
        429,
        quota
          ? {
            message: f.message ??
              "You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.",
            type: "insufficient_quota",
            code: "insufficient_quota",
          }
          : {
            message: f.message ??
              `Rate limit reached for ${
                model ?? "gpt-4o"
              } in organization org-sandbox on tokens per min (TPM): Limit 30000, Used 30000, Requested ${promptTokens}. Please try again in ${secs}s. Visit https://platform.openai.com/account/rate-limits to learn more.`,
            type: "tokens",
            code: f.code ?? "rate_limit_exceeded",
          },
        headers,
      );
    }
    case "server_error":
      return errorResponse(500, {
        message: f.message ??
          "The server had an error while processing your request. Sorry about that!",
        type: "server_error",
      });
    case "unavailable":
      return errorResponse(503, {
        message: f.message ?? "The server is overloaded or not ready yet.",
        type: "server_error",
      });
    case "error": {
      const status = f.status ?? 400;
      return errorResponse(status, {
        message: f.message ?? `Sandbox error ${status}.`,
        type: f.type ?? (status >= 500 ? "server_error" : "invalid_request_error"),
        param: f.param ?? null,
        code: f.code ?? null,
      });
    }
    case "malformed":
      return new Response(f.body ?? '{"id": "chatcmpl-sandbox", "object": "chat.comple', {
        status: 200,
        headers: { "content-type": "application/json" },
      });
    default:
      throw new Error(`not a transport fault: ${f.kind}`);
  }
}
