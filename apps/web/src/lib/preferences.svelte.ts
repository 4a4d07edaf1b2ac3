// This device's display and alert choices (localStorage `cim.prefs`): theme, desktop notifications, sound.
import { applyTheme, type Theme } from "./theme.js";

const KEY = "cim.prefs";

interface Stored {
  theme: Theme;
  notifications: boolean;
  sound: boolean;
}

const DEFAULTS: Stored = { theme: "system", notifications: true, sound: true };

export class Preferences {
  /** "system" follows prefers-color-scheme, live. */
  theme = $state<Theme>(DEFAULTS.theme);
  /** Desktop notifications for messages that arrive while the tab is hidden (the browser's permission too). */
  notifications = $state(DEFAULTS.notifications);
  /** A short sound with them. */
  sound = $state(DEFAULTS.sound);

  constructor() {
    const stored = load();
    this.theme = stored.theme;
    this.notifications = stored.notifications;
    this.sound = stored.sound;
    applyTheme(this.theme);
  }

  setTheme(theme: Theme): void {
    this.theme = theme;
    applyTheme(theme);
    this.save();
  }

  setNotifications(on: boolean): void {
    this.notifications = on;
    this.save();
  }

  setSound(on: boolean): void {
    this.sound = on;
    this.save();
  }

  private save(): void {
    try {
      localStorage.setItem(KEY, JSON.stringify({ theme: this.theme, notifications: this.notifications, sound: this.sound } satisfies Stored));
    } catch {
      // Storage refused (private mode): the choice holds for this page only.
    }
  }
}

function load(): Stored {
  try {
    const value = JSON.parse(localStorage.getItem(KEY) ?? "{}") as Partial<Stored>;
    return {
      theme: value.theme === "light" || value.theme === "dark" ? value.theme : "system",
      notifications: typeof value.notifications === "boolean" ? value.notifications : DEFAULTS.notifications,
      sound: typeof value.sound === "boolean" ? value.sound : DEFAULTS.sound,
    };
  } catch {
    return { ...DEFAULTS };
  }
}
