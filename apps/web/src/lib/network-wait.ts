// A pause before trying the network again that ends early when the browser says its network is back.

/** Resolves after `ms`, or at once on the window's `online` event (a device back on its network need not wait). */
export function pauseUnlessOnline(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      if (typeof window !== "undefined") window.removeEventListener("online", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    if (typeof window !== "undefined") window.addEventListener("online", done);
  });
}
