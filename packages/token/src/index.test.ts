import { afterEach, describe, expect, it, vi } from "vitest";
import { MIN_SECRET_BYTES, TokenError, TokenSigner } from "./index.js";

const SECRET = "0123456789abcdef-0123456789abcdef-test";

describe("TokenSigner", () => {
  it("verifies what it signed", async () => {
    const signer = new TokenSigner(SECRET, 60);
    const { token, claims } = await signer.sign({ userId: "12", userName: "ann" });
    await expect(signer.verify(token)).resolves.toEqual(claims);
  });

  it("refuses a secret shorter than 32 bytes", () => {
    expect(() => new TokenSigner("x".repeat(MIN_SECRET_BYTES - 1), 60)).toThrow(/at least 32 bytes/);
    expect(() => new TokenSigner("x".repeat(MIN_SECRET_BYTES), 60)).not.toThrow();
  });

  it("rejects a token signed with another secret", async () => {
    const { token } = await new TokenSigner("another-secret-0123456789abcdef-xyz", 60).sign({ userId: "1", userName: "x" });
    await expect(new TokenSigner(SECRET, 60).verify(token)).rejects.toMatchObject({ reason: "invalid" });
  });

  it("rejects an expired token as expired", async () => {
    const { token } = await new TokenSigner(SECRET, -10).sign({ userId: "1", userName: "x" });
    await expect(new TokenSigner(SECRET, 60).verify(token)).rejects.toEqual(new TokenError("expired"));
  });

  it("a refreshed token never outlives its login's absolute end", async () => {
    const signer = new TokenSigner(SECRET, { ttlSeconds: 3600, sessionLifetimeSeconds: 7200 });
    const first = await signer.sign({ userId: "1", userName: "x" });
    expect(first.claims.sessionEnd - first.claims.exp).toBeGreaterThanOrEqual(3599);
    const end = Math.floor(Date.now() / 1000) + 30;
    const refreshed = await signer.sign({ userId: "1", userName: "x" }, { sessionId: first.claims.sessionId, sessionEnd: end });
    expect(refreshed.claims).toMatchObject({ sessionId: first.claims.sessionId, exp: end, sessionEnd: end });
    await expect(signer.verify(refreshed.token)).resolves.toMatchObject({ exp: end, sessionEnd: end });
  });

  it("carries the login epoch of a new login, and a refresh keeps it", async () => {
    const signer = new TokenSigner(SECRET, 60);
    const first = await signer.sign({ userId: "1", userName: "x" }, { loginEpoch: 3 });
    await expect(signer.verify(first.token)).resolves.toMatchObject({ loginEpoch: 3 });
    const refreshed = await signer.sign({ userId: "1", userName: "x" }, first.claims);
    await expect(signer.verify(refreshed.token)).resolves.toMatchObject({ sessionId: first.claims.sessionId, loginEpoch: 3 });
  });

  it("rejects an unsigned token, one of another issuer and one without expiry", async () => {
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
    const now = Math.floor(Date.now() / 1000);
    const claims = { sub: "1", name: "x", sid: "s", iss: "cim-route", exp: now + 60 };
    const signer = new TokenSigner(SECRET, 60);
    await expect(signer.verify(`${part({ alg: "none" })}.${part(claims)}.`)).rejects.toMatchObject({ reason: "invalid" });
    const { token } = await signer.sign({ userId: "1", userName: "x" });
    const [header, , signature] = token.split(".");
    // The signature no longer matches once the payload changes.
    await expect(signer.verify(`${header}.${part({ ...claims, iss: "elsewhere" })}.${signature}`)).rejects.toMatchObject({ reason: "invalid" });
    const { exp: _exp, ...noExp } = claims;
    await expect(signer.verify(`${header}.${part(noExp)}.${signature}`)).rejects.toMatchObject({ reason: "invalid" });
  });

  it("verifies a token jose signed before the switch (no typ header)", async () => {
    const { createHmac } = await import("node:crypto");
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
    const now = Math.floor(Date.now() / 1000);
    const body = `${part({ alg: "HS256" })}.${part({ name: "ann", sid: "s1", se: now + 60, sub: "12", iss: "cim-route", iat: now, exp: now + 60 })}`;
    const token = `${body}.${createHmac("sha256", SECRET).update(body).digest("base64url")}`;
    await expect(new TokenSigner(SECRET, 60).verify(token)).resolves.toEqual({ userId: "12", userName: "ann", sessionId: "s1", exp: now + 60, sessionEnd: now + 60, loginEpoch: 0, latestExp: now + 60 });
  });

  it("a refreshed token remembers the latest expiry of the tokens it came from (claim mx), never less than its own", async () => {
    const now = Math.floor(Date.now() / 1000);
    const first = await new TokenSigner(SECRET, { ttlSeconds: 3_600, sessionLifetimeSeconds: 7_200 }).sign({ userId: "12", userName: "ann" });
    const signer = new TokenSigner(SECRET, { ttlSeconds: 60, sessionLifetimeSeconds: 7_200 });
    const refreshed = await signer.sign({ userId: "12", userName: "ann" }, first.claims);
    expect((await signer.verify(refreshed.token)).latestExp).toBe(first.claims.exp);
    expect(refreshed.claims.exp).toBeLessThanOrEqual(now + 61);
    const again = await signer.sign({ userId: "12", userName: "ann" }, { ...(await signer.verify(refreshed.token)), latestExp: 0 });
    expect((await signer.verify(again.token)).latestExp).toBe(again.claims.exp);
  });

  it("a logout token names its login and is refused as a session token, and a session token as a logout token", async () => {
    const signer = new TokenSigner(SECRET, { ttlSeconds: 60, sessionLifetimeSeconds: 3600 });
    const { token, claims } = await signer.sign({ userId: "7", userName: "ann" });
    const logout = signer.signLogout(claims);
    await expect(signer.verify(logout)).rejects.toThrow(TokenError);
    await expect(signer.verifyLogout(token)).rejects.toThrow(TokenError);
    expect(await signer.verifyLogout(logout)).toEqual(claims);
  });

  it("rejects garbage", async () => {
    await expect(new TokenSigner(SECRET, 60).verify("not.a.token")).rejects.toMatchObject({ reason: "invalid" });
  });
});

describe("TokenSigner with previous secrets", () => {
  const OLD = "the-old-secret-of-more-than-thirty-two-bytes";
  const NEW = "the-new-secret-of-more-than-thirty-two-bytes";
  it("verifies a token of a previous secret, signs with the current one, and refuses a token of neither", async () => {
    const { token } = await new TokenSigner(OLD, 60).sign({ userId: "1", userName: "ann" });
    const rotating = new TokenSigner(NEW, { ttlSeconds: 60, previousSecrets: [OLD] });
    expect((await rotating.verify(token)).userName).toBe("ann");
    const renewed = await rotating.sign({ userId: "1", userName: "ann" });
    expect((await new TokenSigner(NEW, 60).verify(renewed.token)).userId).toBe("1");
    await expect(new TokenSigner(NEW, 60).verify(token)).rejects.toMatchObject({ reason: "invalid" });
    const { token: foreign } = await new TokenSigner("a-third-secret-of-more-than-thirty-two-bytes", 60).sign({ userId: "2", userName: "bob" });
    await expect(rotating.verify(foreign)).rejects.toMatchObject({ reason: "invalid" });
  });
});

describe("a token of a previous secret (sec21)", () => {
  const OLD = "the-old-secret-of-more-than-thirty-two-bytes";
  const NEW = "the-new-secret-of-more-than-thirty-two-bytes";
  afterEach(() => vi.useRealTimers());
  it("expires as a current one does, and keeps its login's end", async () => {
    vi.useFakeTimers({ now: new Date("2026-11-29T12:00:00Z") });
    const { token, claims } = await new TokenSigner(OLD, { ttlSeconds: 60, sessionLifetimeSeconds: 3600 }).sign({ userId: "1", userName: "ann" });
    const rotating = new TokenSigner(NEW, { ttlSeconds: 60, previousSecrets: [OLD] });
    expect((await rotating.verify(token)).sessionEnd).toBe(claims.sessionEnd);
    vi.setSystemTime(new Date("2026-11-29T12:01:01Z"));
    await expect(rotating.verify(token)).rejects.toMatchObject({ reason: "expired" });
  });
});
