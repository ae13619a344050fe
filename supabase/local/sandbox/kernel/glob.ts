// Glob patterns as gobwas/glob reads them, compiled to a RegExp:
//   *        any run of characters that are not separators
//   **       any run of characters, separators included
//   ?        one character that is not a separator
//   [abc] [a-z] [!abc]   one character of (or not of) a class
//   {a,b}    one of the alternatives (which may hold patterns)
//   \x       x itself
// With no separators (the default) `*` and `**` are the same: anything at all.

export interface GlobOptions {
  /** Characters `*` and `?` do not cross, e.g. "/" or "./"; none by default. */
  separators?: string;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/-]/g, "\\$&");

export function globToRegExp(glob: string, opts: GlobOptions = {}): RegExp {
  const seps = opts.separators ?? "";
  const notSep = seps ? `[^${escape(seps)}]` : "[\\s\\S]";
  let i = 0;
  const compile = (inAlternative: boolean): string => {
    let re = "";
    while (i < glob.length) {
      const c = glob[i];
      if (inAlternative && (c === "," || c === "}")) return re;
      i++;
      if (c === "\\" && i < glob.length) re += escape(glob[i++]);
      else if (c === "*") {
        if (glob[i] === "*") {
          i++;
          re += "[\\s\\S]*";
        } else re += `${notSep}*`;
      } else if (c === "?") re += notSep;
      else if (c === "[" && glob.indexOf("]", i + 1) > i) {
        const end = glob.indexOf("]", i + 1);
        let body = glob.slice(i, end);
        i = end + 1;
        const negate = body.startsWith("!");
        if (negate) body = body.slice(1);
        const cls = body.replace(/[\\\]^]/g, "\\$&");
        re += negate ? `[^${cls}${escape(seps)}]` : `[${cls}]`;
      } else if (c === "{") {
        const options: string[] = [];
        for (;;) {
          options.push(compile(true));
          if (glob[i] !== ",") break;
          i++;
        }
        if (glob[i] === "}") i++;
        re += `(?:${options.join("|")})`;
      } else re += escape(c);
    }
    return re;
  };
  return new RegExp(`^${compile(false)}$`);
}
