// Types of start-flags.mjs (plain JavaScript, read by start.sh before tsx is installed).
export declare const START_USAGE: string;
export declare const HELP_SHOWN: number;
export declare function readStartFlags(
  args?: string[],
  env?: NodeJS.ProcessEnv,
  helpExitCode?: number,
): { gateways: number; cluster: boolean; routePort: number; verbose: boolean };
export declare function dotEnvNote(root?: string): string | null;
