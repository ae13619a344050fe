import { QueryClientProvider } from "@tanstack/react-query";
import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./app/App";
import { RouterProvider } from "./lib/router";
import { SessionProvider } from "./lib/session";
import { makeQueryClient } from "./lib/queryClient";
import { initSentry } from "./lib/sentry";
import "./styles.css";

void initSentry(import.meta.env.VITE_SENTRY_DSN as string | undefined, { environment: import.meta.env.MODE });
const queryClient = makeQueryClient();

createRoot(document.getElementById("root")!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <RouterProvider>
        <SessionProvider>
          <App />
        </SessionProvider>
      </RouterProvider>
    </QueryClientProvider>
  </StrictMode>,
);
