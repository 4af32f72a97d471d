// Types for scripts/codeServer.mjs, so the TypeScript end-to-end tests use it checked.
export declare const repoRoot: string;
export declare const CODE_SERVER_VERSION: string;
export declare const cacheRoot: string;
export declare const installDir: string;
export declare const QUIET_SETTINGS: Record<string, unknown>;
export declare class CodeServerError extends Error {}

export interface Profile {
  dir: string;
  config: string;
  userDataDir: string;
  extensionsDir: string;
  logFile: string;
  pidFile: string;
}

export interface RunningCodeServer {
  port: number;
  pid: number;
  url: string;
  logFile: string;
  folderUrl(folder: string): string;
  stop(): Promise<void>;
}

export declare function isCodeServerInstalled(): boolean;
export declare function ensureCodeServer(options?: { log?: (message: string) => void }): Promise<string>;
export declare function freePort(): Promise<number>;
export declare function prepareProfile(name: string, options?: { fresh?: boolean; settings?: Record<string, unknown> }): Profile;
export declare function installVsix(profile: Profile, vsixPath: string): void;
export declare function linkExtension(profile: Profile, extensionPath: string): string;
export declare function launchCodeServer(profile: Profile, options?: {
  workspace?: string;
  port?: number;
  /** The display language, e.g. 'ko' (code-server's --locale). */
  locale?: string;
  log?: (message: string) => void;
  timeoutMs?: number;
}): Promise<RunningCodeServer>;
export declare function stopLeftoverServers(options?: { keep?: string[] }): void;
