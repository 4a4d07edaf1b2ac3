// Muted conversations on this device (localStorage `cim.muted.<userId>`): their messages still arrive and count
// unread in the list, but bring no notification, sound or announcement, and stay out of the title and icon count.
const PREFIX = "cim.muted.";

export class Mutes {
  private keys = $state<string[]>([]);
  private userId = "";

  /** Takes up what `userId` muted on this device. */
  load(userId: string): void {
    if (userId === this.userId) return;
    this.userId = userId;
    try {
      const value: unknown = JSON.parse(localStorage.getItem(PREFIX + userId) ?? "[]");
      this.keys = Array.isArray(value) ? value.filter((k): k is string => typeof k === "string") : [];
    } catch {
      this.keys = [];
    }
  }

  has(key: string): boolean {
    return this.keys.includes(key);
  }

  /** Mutes conversation `key`, or unmutes it. */
  set(key: string, muted: boolean): void {
    if (this.has(key) === muted) return;
    this.keys = muted ? [...this.keys, key] : this.keys.filter((k) => k !== key);
    if (!this.userId) return;
    try {
      localStorage.setItem(PREFIX + this.userId, JSON.stringify(this.keys));
    } catch {
      // Storage refused (private mode): muted for this page only.
    }
  }

  /** Signed out: the choice stays stored for the next login. */
  reset(): void {
    this.userId = "";
    this.keys = [];
  }
}
