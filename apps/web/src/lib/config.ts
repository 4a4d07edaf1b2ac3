// The web app's configuration: the only module that reads import.meta.env.
const env = import.meta.env;

export const config = Object.freeze({
  /** Route's base URL; "" is the page's own origin (route serves this app). */
  routeUrl: env.VITE_CIM_ROUTE_URL ?? "",
  /** The service worker that opens the app while route is unreachable: only a production build has its sw.js. */
  offlineShell: env.PROD,
  /** Messages asked for per history page. */
  historyPageSize: 30,
  /** The first page of a conversation opened with unread messages holds them all, up to this many (route's largest page). */
  unreadPageMax: 200,
  /** More unread than that: older pages of unreadPageMax follow until the first unread one is in, up to this many messages. */
  unreadLoadMax: 1_000,
  /** Messages shown from IndexedDB at start, over all conversations. */
  cachedMessagesLimit: 500,
  /** Conversations (newest first) whose newest message is asked for when this device has none to preview. */
  previewLimit: 20,
  /** Entries asked for one preview: the newest of a conversation may be reactions, edits or deletions, which are no
   * message of their own, so one entry could leave nothing to show. */
  previewPageSize: 10,
  /** Pages one preview reads at most while its pages hold events only (a run of reactions to an older message). */
  previewPages: 3,
  /** Preview requests (a conversation's newest message) under way at once: scrolling a long list must not go past route's per-user limit. */
  previewsInFlight: 3,
  /** A preview refused as too many (429) without a Retry-After is asked again after this long. */
  previewRetryMs: 2_000,
  /** From this many conversations on, the list offers a filter by name (a short list needs none). */
  listFilterFrom: 10,
  /** Pauses between resume attempts of a stored login when route or gateways are unreachable (lib/network-wait.ts:
   * growing to maxMs, with jitter; offlineMs while the device has no network, cut short when it comes back). */
  resumeRetry: { baseMs: 2_000, maxMs: 10_000, offlineMs: 60_000 },
  /** While route is unreachable (the chat goes on over the gateway), the pauses before asking it again (as resumeRetry). */
  routeRetry: { baseMs: 3_000, maxMs: 10_000, offlineMs: 60_000 },
  /** A route call unanswered this long (route frozen or hung) shows route as unreachable until an answer comes. */
  routeSlowMs: 8_000,
  /** How often the admin dashboard asks route for statistics. */
  adminPollMs: 1_000,
  /** Samples kept for the online chart (at adminPollMs each: two minutes). */
  adminChartSamples: 120,
  /** Pause after the last keystroke of a user or room search before route is asked. */
  searchDelayMs: 200,
  /** Scroll distance from the top of a message list that loads older history. */
  loadOlderThresholdPx: 48,
  /** A send without SendAck for this long, while connected, makes the badge say messages are delayed. */
  sendDelayedAfterMs: 3_000,
  /** Farther than this from the newest message, the list shows "Jump to latest" and stops following. */
  jumpToLatestPx: 200,
});
