// A password typed in another Unicode form is the same password (NIST SP 800-63B 5.1.1.2: normalize before hashing),
// through app.request() on real Redis and ZooKeeper. Found by sec13's probe: registered with "café-pass-été" (NFC),
// the same password in NFD (e + U+0301, as some keyboards and copy-paste give it) answered 401.
import { hash } from "@node-rs/argon2";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { keys } from "@cim/state";
import { expectError, uniqueName, type LoginAnswer } from "./testing/api-client.js";
import { startRouteHarness, type RouteHarness } from "./testing/route-harness.js";

let h: RouteHarness;

beforeAll(async () => {
  h = await startRouteHarness();
});
afterAll(async () => h?.stop());

const NFC = "caf\u00e9-pass-\u00e9t\u00e9";
const NFD = NFC.normalize("NFD");
const FULLWIDTH = "ｃｏｒｒｅｃｔ-ｈｏｒｓｅ-４２";

const register = (userName: string, password: string) => h.call("POST", "/api/register", { body: { userName, password } });
const login = (userName: string, password: string) => h.call("POST", "/api/login", { body: { userName, password } });

describe("passwords in other Unicode forms", () => {
  it("log in, whichever form was registered and whichever is typed", async () => {
    const composed = uniqueName("nfc");
    expect((await register(composed, NFC)).status).toBe(201);
    expect((await login(composed, NFD)).status).toBe(200);
    const decomposed = uniqueName("nfd");
    expect((await register(decomposed, NFD)).status).toBe(201);
    expect((await login(decomposed, NFC)).status).toBe(200);
    const wide = uniqueName("wide");
    expect((await register(wide, FULLWIDTH)).status).toBe(201);
    expect((await login(wide, FULLWIDTH.normalize("NFKC"))).status).toBe(200);
    await expectError(await login(wide, "correct-horse-43"), 401, "unauthorized");
  });

  it("are checked as what is hashed: a common password in fullwidth letters is still common", async () => {
    await expectError(await register(uniqueName("common"), "ｐａｓｓｗｏｒｄ１"), 400, "weak_password");
  });

  it("change: the current password in another form is right, and the new one logs in in any form", async () => {
    const userName = uniqueName("change");
    expect((await register(userName, NFC)).status).toBe(201);
    const { token } = (await (await login(userName, NFC)).json()) as LoginAnswer;
    const next = "n\u00e4chstes-Passwort";
    expect((await h.call("POST", "/api/password", { token, body: { currentPassword: NFD, newPassword: next } })).status).toBe(204);
    expect((await login(userName, next.normalize("NFD"))).status).toBe(200);
  });

  it("an account hashed before passwords were normalized logs in as typed and in the other form, and is re-hashed", async () => {
    const userName = uniqueName("older");
    const { userId } = (await (await register(userName, "placeholder-pass-1")).json()) as { userId: string };
    // What a route before the change stored for a password typed in NFD: its hash as typed, at today's parameters.
    const asTyped = await hash(NFD, { memoryCost: 19_456, timeCost: 2, parallelism: 1 });
    await h.redis.hset(keys.account(userId), "passwordHash", asTyped);
    expect((await login(userName, NFD)).status).toBe(200);
    expect(await h.redis.hget(keys.account(userId), "passwordHash")).not.toBe(asTyped);
    expect((await login(userName, NFC)).status).toBe(200);
    expect((await login(userName, NFD)).status).toBe(200);
  });
});
