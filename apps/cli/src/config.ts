// Command-line options and environment (CIM_ROUTE_URL, CIM_USER, CIM_PASSWORD), parsed once and validated with zod.
import { parseArgs } from "node:util";
import { z } from "zod";

export const USAGE = [
  "usage: cim [--route <url>] [--user <name>] [--password <password>] [--register]",
  "  --route     route's base URL (env CIM_ROUTE_URL, default http://127.0.0.1:8080)",
  "  --user      user name (env CIM_USER); asked on stdin when absent",
  "  --password  password (env CIM_PASSWORD); asked on stdin when absent",
  "  --register  register the user before logging in (a name already taken: just log in)",
  "  --help      show this text",
].join("\n");

const DEFAULT_ROUTE_URL = "http://127.0.0.1:8080";

const Config = z.object({
  routeUrl: z
    .url({ protocol: /^https?$/, error: "route must be an http(s) URL such as http://127.0.0.1:8080" })
    .transform((url) => url.replace(/\/+$/, "")),
  userName: z.string().trim().min(1, "user must not be empty").max(32, "user is at most 32 characters").optional(),
  password: z.string().min(1, "password must not be empty").max(128, "password is at most 128 characters").optional(),
  register: z.boolean(),
});

export type CliConfig = Readonly<z.infer<typeof Config>>;

export type ConfigResult = { ok: true; config: CliConfig } | { ok: false; help: true } | { ok: false; help: false; error: string };

/** Parses `argv` (without node and the script) over `env`; an error names the bad option. */
export function parseConfig(argv: string[], env: Record<string, string | undefined>): ConfigResult {
  let values: { route?: string; user?: string; password?: string; register?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        route: { type: "string" },
        user: { type: "string" },
        password: { type: "string" },
        register: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    return { ok: false, help: false, error: (error as Error).message };
  }
  if (values.help) return { ok: false, help: true };
  const parsed = Config.safeParse({
    routeUrl: values.route ?? (env.CIM_ROUTE_URL || DEFAULT_ROUTE_URL),
    userName: values.user ?? (env.CIM_USER || undefined),
    password: values.password ?? (env.CIM_PASSWORD || undefined),
    register: values.register ?? false,
  });
  if (!parsed.success) {
    const error = parsed.error.issues.map((i) => i.message).join("; ");
    return { ok: false, help: false, error };
  }
  return { ok: true, config: Object.freeze(parsed.data) };
}
