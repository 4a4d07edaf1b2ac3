import { afterEach, describe, expect, it, vi } from "vitest";
import { PreviewQueue } from "./preview-queue.js";

const RETRY_MS = 2_000;
class RateLimited extends Error {}

/** Route as the test answers it: which keys were asked, and their answers one by one. */
function route() {
  const asked: string[] = [];
  const open = new Map<string, { resolve: () => void; reject: (error: Error) => void }>();
  const run = (key: string) => () => {
    asked.push(key);
    return new Promise<void>((resolve, reject) => open.set(key, { resolve, reject }));
  };
  const settle = async (key: string, error?: Error) => {
    const request = open.get(key)!;
    open.delete(key);
    if (error) request.reject(error);
    else request.resolve();
    // Lets the queue see the end (a few promise steps) and start the next one.
    for (let i = 0; i < 10; i++) await Promise.resolve();
  };
  return { asked, run, settle, inFlight: () => [...open.keys()] };
}

function queue() {
  return new PreviewQueue({ inFlight: 2, retryAfterMs: (error) => (error instanceof RateLimited ? RETRY_MS : undefined) });
}

afterEach(() => vi.useRealTimers());

describe("PreviewQueue", () => {
  it("asks a few at a time, in the order asked, each key once", async () => {
    const server = route();
    const previews = queue();
    for (const key of ["a", "b", "c", "d"]) previews.add(key, server.run(key));
    previews.add("a", server.run("a"));
    expect(server.inFlight()).toEqual(["a", "b"]);
    await server.settle("a");
    expect(server.inFlight()).toEqual(["b", "c"]);
    previews.add("a", server.run("a"));
    await server.settle("b");
    await server.settle("c");
    await server.settle("d");
    expect(server.asked).toEqual(["a", "b", "c", "d"]);
  });

  it("skips a conversation scrolled out before its turn, unless pinned; shown again, it is asked", async () => {
    const server = route();
    const previews = queue();
    for (const key of ["a", "b", "c", "d"]) previews.add(key, server.run(key), key === "d");
    previews.drop("c");
    previews.drop("d");
    previews.drop("a");
    await server.settle("a");
    await server.settle("b");
    expect(server.inFlight()).toEqual(["d"]);
    previews.add("c", server.run("c"));
    expect(server.inFlight()).toEqual(["d", "c"]);
  });

  it("asks again after a 429, later, unless scrolled out meanwhile", async () => {
    vi.useFakeTimers();
    const server = route();
    const previews = queue();
    previews.add("a", server.run("a"));
    previews.add("b", server.run("b"));
    await server.settle("a", new RateLimited());
    await server.settle("b", new RateLimited());
    previews.drop("b");
    expect(server.inFlight()).toEqual([]);
    vi.advanceTimersByTime(RETRY_MS);
    expect(server.inFlight()).toEqual(["a"]);
    expect(server.asked).toEqual(["a", "b", "a"]);
  });

  it("forgets a key whose request failed otherwise: shown again, it is asked again", async () => {
    const server = route();
    const previews = queue();
    previews.add("a", server.run("a"));
    await server.settle("a", new Error("route is unreachable"));
    previews.add("a", server.run("a"));
    expect(server.asked).toEqual(["a", "a"]);
  });

  it("asks nothing more once closed", async () => {
    const server = route();
    const previews = queue();
    for (const key of ["a", "b", "c"]) previews.add(key, server.run(key));
    previews.close();
    await server.settle("a");
    previews.add("d", server.run("d"));
    expect(server.asked).toEqual(["a", "b"]);
  });
});
