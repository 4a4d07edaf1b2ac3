import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { TokenSigner } from "@cim/token";
import { requireUser } from "./auth.js";
import type { AppEnv } from "./context.js";
import { ApiError } from "./errors.js";
import { UserRequests } from "./user-requests.js";

describe("requests of one user in progress at once", () => {
  it("runs the cap at once, lets the next wait for a place, answers one more 429 with Retry-After; other users pass", async () => {
    const tokens = new TokenSigner("user-requests-test-secret-0123456789abcdef", 600);
    const [ann, bob] = await Promise.all([tokens.sign({ userId: "1", userName: "ann" }), tokens.sign({ userId: "2", userName: "bob" })]);
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    let running = 0;
    const app = new Hono<AppEnv>();
    app.onError((error, c) => (error instanceof ApiError ? c.json({ error: { code: error.code } }, error.status, error.headers) : c.text("unexpected", 500)));
    app.use(requireUser(tokens, { loginState: async () => "live" as const }, new UserRequests(3, 2)));
    app.get("/slow", async (c) => {
      running++;
      await gate;
      return c.json({ ok: true });
    });
    const call = (token: string) => app.request("/slow", { headers: { authorization: `Bearer ${token}` } });
    const first = [call(ann.token), call(ann.token), call(ann.token), call(ann.token), call(ann.token)];
    await expect.poll(() => running).toBe(3); // two wait
    const refused = await call(ann.token);
    expect(refused.status).toBe(429);
    expect(refused.headers.get("retry-after")).toBe("1");
    expect(await refused.json()).toEqual({ error: { code: "rate_limited" } });
    expect(running).toBe(3);
    const other = call(bob.token);
    await expect.poll(() => running).toBe(4);
    open();
    expect((await Promise.all([...first, other])).map((res) => res.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(running).toBe(6);
    expect((await call(ann.token)).status).toBe(200);
  });

  it("an urgent request is never refused for a full waiting room and takes the next place before the others", async () => {
    const requests = new UserRequests(1, 1);
    const order: string[] = [];
    expect(await requests.enter("7")).toBe("now");
    const waiting = requests.enter("7").then((entry) => order.push(`waiting (${entry})`));
    expect(await requests.enter("7")).toBe("refused");
    const urgent = requests.enter("7", true).then((entry) => order.push(`urgent (${entry})`));
    requests.leave("7");
    await urgent;
    requests.leave("7");
    await waiting;
    expect(order).toEqual(["urgent (waited)", "waiting (waited)"]);
  });
});
