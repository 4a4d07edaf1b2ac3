// Types of cli-flags.mjs (plain JavaScript, so that npm start can read its flags before tsx is installed).
import type { parseArgs, ParseArgsConfig } from "node:util";

type Options = NonNullable<ParseArgsConfig["options"]>;

export declare function usageOf(scriptUrl: string, options: Options): string;
export declare function refuseFlags(command: string, message: string, hint?: string): never;
export declare function readArgs<T extends Options>(
  scriptUrl: string,
  options: T,
  settings?: { args?: string[]; command?: string; usage?: string; hint?: string; helpExitCode?: number; allowPositionals?: boolean },
): { values: ReturnType<typeof parseArgs<{ options: T }>>["values"]; positionals: string[] };
export declare function readFlags<T extends Options>(
  scriptUrl: string,
  options: T,
  settings?: { args?: string[]; command?: string; usage?: string; hint?: string; helpExitCode?: number },
): ReturnType<typeof parseArgs<{ options: T }>>["values"];
