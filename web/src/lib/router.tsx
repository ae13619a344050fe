// A small History-API router: paths, params and links — enough for this SPA.
import { createContext, type ReactNode, useContext, useEffect, useMemo, useState } from "react";

interface Location {
  pathname: string;
  search: URLSearchParams;
}

const RouterContext = createContext<{ location: Location; navigate: (to: string, opts?: { replace?: boolean }) => void } | null>(null);

function current(): Location {
  return { pathname: window.location.pathname, search: new URLSearchParams(window.location.search) };
}

export function RouterProvider({ children }: { children: ReactNode }) {
  const [location, setLocation] = useState(current);
  useEffect(() => {
    const onPop = () => setLocation(current());
    window.addEventListener("popstate", onPop);
    return () => window.removeEventListener("popstate", onPop);
  }, []);
  const value = useMemo(() => ({
    location,
    navigate(to: string, opts: { replace?: boolean } = {}) {
      if (opts.replace) window.history.replaceState(null, "", to);
      else window.history.pushState(null, "", to);
      setLocation(current());
      window.scrollTo?.(0, 0);
    },
  }), [location]);
  return <RouterContext.Provider value={value}>{children}</RouterContext.Provider>;
}

export function useRouter() {
  const ctx = useContext(RouterContext);
  if (!ctx) throw new Error("useRouter outside RouterProvider");
  return ctx;
}

/** Matches `/app/calls/:id` against a pathname; returns the params or null. */
export function matchPath(pattern: string, pathname: string): Record<string, string> | null {
  const p = pattern.split("/").filter(Boolean);
  const s = pathname.split("/").filter(Boolean);
  if (p.length !== s.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    if (p[i].startsWith(":")) params[p[i].slice(1)] = decodeURIComponent(s[i]);
    else if (p[i] !== s[i]) return null;
  }
  return params;
}

export function Link({ to, children, className, ...rest }: { to: string; children: ReactNode; className?: string } & React.AnchorHTMLAttributes<HTMLAnchorElement>) {
  const { navigate, location } = useRouter();
  const active = location.pathname === to || (to !== "/app" && location.pathname.startsWith(to + "/"));
  return (
    <a
      href={to}
      className={className}
      aria-current={active ? "page" : undefined}
      onClick={(e) => {
        if (e.metaKey || e.ctrlKey || e.shiftKey || e.button !== 0) return;
        e.preventDefault();
        navigate(to);
      }}
      {...rest}
    >
      {children}
    </a>
  );
}
