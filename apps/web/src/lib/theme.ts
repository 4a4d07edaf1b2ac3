// Light or dark: <html data-theme> from the user's choice, or from the system's (prefers-color-scheme), followed live.

export type Theme = "system" | "light" | "dark";

let chosen: Theme = "system";
let watching = false;

/** Applies `theme` now; with "system", later changes of the system's scheme apply too. */
export function applyTheme(theme: Theme): void {
  chosen = theme;
  const query = window.matchMedia("(prefers-color-scheme: dark)");
  if (!watching) {
    watching = true;
    query.addEventListener("change", () => applyTheme(chosen));
  }
  document.documentElement.dataset.theme = theme === "system" ? (query.matches ? "dark" : "light") : theme;
}
