import { afterEach, describe, expect, it, vi } from "vitest";
import { TypedSearch } from "./typed-search.svelte.js";

const DELAY_MS = 200;

/** A search whose answers the test gives, one query at a time. */
function server() {
  const asked: string[] = [];
  const waiting = new Map<string, { resolve: (found: string[]) => void; reject: (error: Error) => void }>();
  const find = (query: string) => {
    asked.push(query);
    return new Promise<string[]>((resolve, reject) => waiting.set(query, { resolve, reject }));
  };
  const answer = (query: string, found: string[]) => waiting.get(query)!.resolve(found);
  const fail = (query: string, message: string) => waiting.get(query)!.reject(new Error(message));
  return { asked, find, answer, fail };
}

afterEach(() => vi.useRealTimers());

describe("TypedSearch", () => {
  it("asks once the typing pauses, for what is typed then", async () => {
    vi.useFakeTimers();
    const route = server();
    const search = new TypedSearch(route.find, DELAY_MS);
    const cancel = search.typed("a");
    vi.advanceTimersByTime(DELAY_MS - 1);
    cancel();
    search.typed("an");
    vi.advanceTimersByTime(DELAY_MS);
    expect(route.asked).toEqual(["an"]);
    route.answer("an", ["ann"]);
    await vi.waitFor(() => expect(search.results).toEqual(["ann"]));
    expect(search.searched).toBe(true);
  });

  it("says a search is under way until the newest one answers or fails", async () => {
    const route = server();
    const search = new TypedSearch(route.find, DELAY_MS);
    expect(search.searching).toBe(false);
    const older = search.search("a");
    const newer = search.search("an");
    expect(search.searching).toBe(true);
    route.answer("a", []);
    await older;
    expect(search.searching).toBe(true);
    route.fail("an", "route unreachable");
    await newer;
    expect(search.searching).toBe(false);
  });

  it("does not show an answer overtaken by a newer search, but gives it to its own caller", async () => {
    const route = server();
    const search = new TypedSearch(route.find, DELAY_MS);
    const older = search.search("a");
    const newer = search.search("an");
    route.answer("an", ["ann"]);
    await newer;
    route.answer("a", ["abe", "ann"]);
    expect(await older).toEqual(["abe", "ann"]);
    expect(search.results).toEqual(["ann"]);
  });

  it("answers Enter from the shown results when they are for what is typed, else from its own search", async () => {
    const route = server();
    const search = new TypedSearch(route.find, DELAY_MS);
    const shown = search.search("an");
    route.answer("an", ["ann"]);
    await shown;
    expect(await search.answerFor("an")).toEqual(["ann"]);
    expect(route.asked).toEqual(["an"]);

    const enter = search.answerFor("ann");
    const typing = search.search("anna");
    route.answer("anna", []);
    await typing;
    route.answer("ann", ["ann"]);
    expect(await enter).toEqual(["ann"]);
    expect(search.results).toEqual([]);
  });

  it("says why the newest search failed, not an older one", async () => {
    const route = server();
    const search = new TypedSearch(route.find, DELAY_MS);
    const older = search.search("a");
    const newer = search.search("an");
    route.fail("a", "route is down");
    expect(await older).toBeUndefined();
    expect(search.error).toBe("");
    route.fail("an", "route is down");
    expect(await newer).toBeUndefined();
    expect(search.error).toContain("route is down");
    expect(search.searched).toBe(true);
  });
});
