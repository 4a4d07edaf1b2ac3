// Telling the user of new messages: a polite screen-reader announcement, and while the tab is hidden a desktop
// notification and a short sound (each switchable in Settings; the browser's permission is asked once).
import type { Preferences } from "./preferences.svelte.js";
import { isolate } from "./bidi.js";
import { plainText } from "./rich-text.js";

/** localStorage: "1" once this device asked the browser for notification permission. */
const ASKED_KEY = "cim.notificationsAsked";
/** Longest text read out or shown in a notification. */
const PREVIEW_CHARS = 140;
/** One chime at most this often: a burst (messages replayed after a reconnect) is one sound. */
const CHIME_EVERY_MS = 2_000;

export interface Incoming {
  /** The conversation's key and title ("Everyone", a room's name, the peer's name). */
  conversation: string;
  title: string;
  fromName: string;
  text: string;
  private: boolean;
  /** The message mentions this user (told even in a muted room). */
  mention?: boolean;
}

export class Attention {
  /** The newest announcement, read out by the aria-live region of the chat screen. */
  announcement = $state("");
  private audio: AudioContext | null = null;
  private chimedAt = 0;

  constructor(
    private readonly prefs: Preferences,
    /** Opens a conversation when its notification is clicked. */
    private readonly open: (key: string) => void,
  ) {}

  /** A message from someone else arrived. */
  incoming(message: Incoming): void {
    // As the reader sees it: "**bold**" read out as "star star bold", or shown so in a notification, is noise.
    const text = plainText(message.text);
    const preview = text.length > PREVIEW_CHARS ? `${text.slice(0, PREVIEW_CHARS)}…` : text;
    const where = message.private ? "" : `${message.mention ? " mentioned you" : ""} in ${isolate(message.title)}`;
    this.announcement = `${isolate(message.fromName)}${where}: ${preview}`;
    // A visible window without the focus (another beside it has it) is not looked at either: the user is told.
    if (document.visibilityState === "visible" && document.hasFocus()) return;
    if (this.prefs.notifications) this.notify(`${isolate(message.fromName)}${where}`, preview, message.conversation);
    if (this.prefs.sound) this.chime();
  }

  /**
   * Asks the browser for notification permission, once per device, on a user's action (a first send or the
   * Settings switch): browsers refuse or hide prompts that come from nowhere.
   */
  askOnce(force = false): void {
    this.unlockAudio();
    if (typeof Notification === "undefined" || Notification.permission !== "default") return;
    try {
      if (!force && localStorage.getItem(ASKED_KEY) === "1") return;
      localStorage.setItem(ASKED_KEY, "1");
    } catch {
      // Storage refused: ask anyway, the browser remembers the answer.
    }
    void Notification.requestPermission().catch((error: unknown) => console.warn("notification permission request failed", error));
  }

  /** What the browser allows: "granted", "denied", "default", or "unsupported". */
  permission(): NotificationPermission | "unsupported" {
    return typeof Notification === "undefined" ? "unsupported" : Notification.permission;
  }

  private notify(title: string, body: string, conversation: string): void {
    if (typeof Notification === "undefined" || Notification.permission !== "granted") return;
    try {
      const notification = new Notification(title, { body, tag: `cim-${conversation}` });
      notification.onclick = () => {
        window.focus();
        this.open(conversation);
        notification.close();
      };
    } catch (error) {
      console.warn("could not show a notification", error);
    }
  }

  /** Browsers start audio only after a user's gesture: the context is made (or resumed) on one. */
  private unlockAudio(): void {
    try {
      this.audio ??= new AudioContext();
      if (this.audio.state === "suspended") void this.audio.resume();
    } catch {
      this.audio = null;
    }
  }

  /** Two short soft tones. */
  private chime(): void {
    const audio = this.audio;
    if (!audio || audio.state !== "running" || Date.now() - this.chimedAt < CHIME_EVERY_MS) return;
    this.chimedAt = Date.now();
    const start = audio.currentTime;
    for (const [i, frequency] of [660, 880].entries()) {
      const tone = audio.createOscillator();
      const gain = audio.createGain();
      tone.frequency.value = frequency;
      gain.gain.setValueAtTime(0.0001, start + i * 0.12);
      gain.gain.exponentialRampToValueAtTime(0.15, start + i * 0.12 + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, start + i * 0.12 + 0.2);
      tone.connect(gain).connect(audio.destination);
      tone.start(start + i * 0.12);
      tone.stop(start + i * 0.12 + 0.22);
    }
  }
}
