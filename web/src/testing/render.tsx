// Renders a screen the way the app does (react-query, router, session) on top
// of the supabase stand-in (testing/fakeSupabase.ts). By default the screen
// appears once the session knows the current organization, as behind the
// app's guard; `waitForOrg: false` renders it at once (sign-in pages, staff).
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { render } from "@testing-library/react";
import type { ReactNode } from "react";
import { RouterProvider } from "../lib/router";
import { SessionProvider, useSession } from "../lib/session";

function WhenOrgReady({ children }: { children: ReactNode }) {
  const { current } = useSession();
  return current ? <>{children}</> : <p>Signing in…</p>;
}

export function renderScreen(ui: ReactNode, { url = "/", waitForOrg = true }: { url?: string; waitForOrg?: boolean } = {}) {
  window.history.replaceState(null, "", url);
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false, refetchOnWindowFocus: false } } });
  const result = render(
    <QueryClientProvider client={queryClient}>
      <RouterProvider>
        <SessionProvider>
          {waitForOrg ? <WhenOrgReady>{ui}</WhenOrgReady> : ui}
        </SessionProvider>
      </RouterProvider>
    </QueryClientProvider>,
  );
  return { ...result, queryClient };
}
