import { describe, expect, it } from "vitest";
import { TokenError, TokenSigner } from "./index.js";

const SECRET = "0123456789abcdef-test";

describe("TokenSigner", () => {
  it("verifies what it signed", async () => {
    const signer = new TokenSigner(SECRET, 60);
    const { token, claims } = await signer.sign({ userId: "12", userName: "ann" });
    await expect(signer.verify(token)).resolves.toEqual(claims);
  });

  it("rejects a token signed with another secret", async () => {
    const { token } = await new TokenSigner("another-secret-123456", 60).sign({ userId: "1", userName: "x" });
    await expect(new TokenSigner(SECRET, 60).verify(token)).rejects.toMatchObject({ reason: "invalid" });
  });

  it("rejects an expired token as expired", async () => {
    const { token } = await new TokenSigner(SECRET, -10).sign({ userId: "1", userName: "x" });
    await expect(new TokenSigner(SECRET, 60).verify(token)).rejects.toEqual(new TokenError("expired"));
  });

  it("rejects garbage", async () => {
    await expect(new TokenSigner(SECRET, 60).verify("not.a.token")).rejects.toMatchObject({ reason: "invalid" });
  });
});
