/// <reference types="svelte" />
/// <reference types="vite/client" />

interface ImportMetaEnv {
  /** Base URL of route; empty means the page's own origin. */
  readonly VITE_CIM_ROUTE_URL?: string;
}
