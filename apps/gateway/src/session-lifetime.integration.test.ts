// A logged-in session lasts as long as its token and its login: it is closed when the token expires (4440),
// when its login is revoked by a logout (4401) or by a password change or sign-out of the user's other devices
// elsewhere (4401), and when a newer login replaces it (4409, policy replace); each closes only the sockets of
// the logins it ends.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { CimApiError, RouteApi } from "@cim/client";
import { startCluster, TEST_TOKEN_SECRET, waitUntil, type Cluster } from "@cim/devstack";
import { ACCOUNT_DELETED, ErrorCode, LoginClose, SessionClose } from "@cim/protocol";
import { AccountStore, channels, type ClusterMessage } from "@cim/state";
import { TokenSigner } from "@cim/token";
import { openRaw, rawDevice, registerUser, TEST_PASSWORD, type RawSocket } from "./test-support.js";

let cluster: Cluster;
let redis: Redis;
const sockets: RawSocket[] = [];

beforeAll(async () => {
  // No clock tolerance: a session closes at its token's expiry itself, not 60 s later.
  cluster = await startCluster({ gateways: 1, env: { CIM_CLOCK_TOLERANCE_SECONDS: "0" } });
  redis = new Redis(cluster.redis.address);
});
afterAll(async () => {
  for (const socket of sockets) socket.ws.close();
  redis?.disconnect();
  await cluster?.stop();
});

const output = () => cluster.gateways[0]!.process.output();
const publish = (message: ClusterMessage) => redis.publish(channels.gateway("gw-a"), JSON.stringify(message));

/** Opens a socket on the cluster's gateway and logs in with `token`. */
async function loggedIn(token: string): Promise<RawSocket> {
  const socket = await openRaw(cluster.gateways[0]!.url.replace(/^http/, "ws") + "/ws");
  sockets.push(socket);
  socket.send({ kind: "login", body: { token } });
  await socket.waitFor("loginAck");
  return socket;
}

/** The close of `socket`, or an error saying it stayed open. */
async function closeOf(socket: RawSocket, timeoutMs: number, what: string): Promise<{ code: number; reason: string }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the socket stayed open: expected ${what}`)), timeoutMs);
  });
  return Promise.race([socket.closed, timeout]).finally(() => clearTimeout(timer));
}

describe("token expiry", () => {
  it("a session is closed with 4440 when its token expires; a fresh token logs in again", async () => {
    const login = await registerUser(cluster.route.url, "expiring");
    const { token } = await new TokenSigner(TEST_TOKEN_SECRET, 2).sign({ userId: login.userId, userName: login.userName });
    const socket = await loggedIn(token);
    const closed = await closeOf(socket, 10_000, "a close at the token's expiry");
    expect(closed.code).toBe(SessionClose.TokenExpired);
    await waitUntil(() => output().includes("closing session: token expired"), 10_000, "the expiry to be logged");
    await loggedIn(login.token);
  });
});

describe("revoked logins", () => {
  const api = () => new RouteApi(cluster.route.url);

  it("POST /api/logout closes that login's socket with 4401", async () => {
    const login = await registerUser(cluster.route.url, "leaving");
    const socket = await loggedIn(login.token);
    await api().logout(login.token);
    const closed = await closeOf(socket, 10_000, "a close after the logout");
    expect(closed.code).toBe(SessionClose.Revoked);
  });

  it("a logout of one login leaves another login of the same user connected", async () => {
    const first = await registerUser(cluster.route.url, "two-logins");
    const second = await api().login(first.userName, TEST_PASSWORD);
    const socket = await loggedIn(second.token);
    const handled = () => output().split("\n").filter((line) => /logout kick: (none of the user's logins here is revoked|no socket of that login here)/.test(line)).length;
    const before = handled();
    await api().logout(first.token);
    await waitUntil(() => handled() > before || socket.ws.readyState !== socket.ws.OPEN, 10_000, "the logout kick to be handled");
    expect(socket.ws.readyState).toBe(socket.ws.OPEN);
    socket.send({ kind: "ping", body: { ts: 7 } });
    await socket.waitFor("pong", (p) => p.ts === 7);
  });

  it("a kick naming a login closes exactly the sockets of that login", async () => {
    const login = await registerUser(cluster.route.url, "named");
    const { sessionId } = await new TokenSigner(TEST_TOKEN_SECRET, 60).verify(login.token);
    const socket = await loggedIn(login.token);
    await publish({ type: "kick", userId: login.userId, keepConnection: "", sessionId: "another-login" });
    // Bus messages are handled in order: once this receipt arrives, the kick above was handled.
    await publish({ type: "delivered", to: login.userId, msgId: "42", by: "1" });
    await socket.waitFor("delivered", (d) => d.msgId === "42");
    expect(socket.ws.readyState).toBe(socket.ws.OPEN);

    await publish({ type: "kick", userId: login.userId, keepConnection: "", sessionId });
    expect((await closeOf(socket, 10_000, "a close for the revoked login")).code).toBe(SessionClose.Revoked);
  });
});

describe("logins ended by their user elsewhere", () => {
  const api = () => new RouteApi(cluster.route.url);
  const wsUrl = () => cluster.gateways[0]!.url.replace(/^http/, "ws") + "/ws";

  /** Asserts that a token of an ended login is refused by route's reconnect (401) and in a gateway Login (4401). */
  async function expectRefused(token: string): Promise<void> {
    await expect(api().reconnect(token)).rejects.toMatchObject({ status: 401, code: "unauthorized" } satisfies Partial<CimApiError>);
    const socket = await openRaw(wsUrl());
    sockets.push(socket);
    socket.send({ kind: "login", body: { token } });
    expect((await socket.waitFor("error")).code).toBe("unauthorized");
    expect((await closeOf(socket, 10_000, "a refused login")).code).toBe(LoginClose.BadToken);
  }

  it("a password change closes the user's other login with 4401 and refuses its tokens; the calling login keeps sending and reconnecting", async () => {
    const caller = await registerUser(cluster.route.url, "pw-change");
    const phone = await api().login(caller.userName, TEST_PASSWORD);
    const phoneRefreshed = (await api().reconnect(phone.token)).token;
    const phoneSocket = await loggedIn(phone.token);
    const callerDevice = await rawDevice(wsUrl(), caller.token);
    sockets.push(callerDevice);

    await api().changePassword(caller.token, TEST_PASSWORD, "cim-changed-pass-2");
    expect((await closeOf(phoneSocket, 10_000, "a close of the other login")).code).toBe(SessionClose.Revoked);
    await expectRefused(phone.token);
    await expectRefused(phoneRefreshed);

    expect(callerDevice.ws.readyState).toBe(callerDevice.ws.OPEN);
    expect(await callerDevice.say({ text: "still here after the change" })).toMatch(/^\d+$/);
    const again = await api().reconnect(caller.token);
    sockets.push(await loggedIn(again.token));
    await expect(api().login(caller.userName, TEST_PASSWORD)).rejects.toMatchObject({ status: 401 });
    sockets.push(await loggedIn((await api().login(caller.userName, "cim-changed-pass-2")).token));
  });

  it("signing out the other devices closes their sockets with 4401 and leaves this login's", async () => {
    const caller = await registerUser(cluster.route.url, "sign-out-others");
    const phone = await api().login(caller.userName, TEST_PASSWORD);
    const phoneSocket = await loggedIn(phone.token);
    const callerSocket = await loggedIn(caller.token);
    await api().logoutOthers(caller.token);
    expect((await closeOf(phoneSocket, 10_000, "a close of the other login")).code).toBe(SessionClose.Revoked);
    await expectRefused(phone.token);
    callerSocket.send({ kind: "ping", body: { ts: 11 } });
    await callerSocket.waitFor("pong", (p) => p.ts === 11);
    expect(callerSocket.ws.readyState).toBe(callerSocket.ws.OPEN);
  });
});

describe("replaced logins", () => {
  it("a kick keeping one login (policy replace) closes the user's other logins with 4409 and leaves that one's sockets", async () => {
    const first = await registerUser(cluster.route.url, "replaced");
    const newer = await new RouteApi(cluster.route.url).login(first.userName, TEST_PASSWORD);
    const old = await loggedIn(first.token);
    const kept = [await loggedIn(newer.token), await loggedIn(newer.token)];
    const { sessionId } = await new TokenSigner(TEST_TOKEN_SECRET, 60).verify(newer.token);
    await publish({ type: "kick", userId: first.userId, keepConnection: "", keepSession: sessionId });
    expect((await closeOf(old, 10_000, "a close for the replaced login")).code).toBe(SessionClose.Replaced);
    for (const [i, socket] of kept.entries()) {
      socket.send({ kind: "ping", body: { ts: i } });
      await socket.waitFor("pong", (p) => p.ts === i);
    }
  });

  it("a kick keeping a connection of another gateway closes every socket of the user here with 4409", async () => {
    const user = await registerUser(cluster.route.url, "kept-elsewhere");
    const sockets = [await loggedIn(user.token), await loggedIn(user.token)];
    await publish({ type: "kick", userId: user.userId, keepConnection: "a-connection-elsewhere" });
    for (const socket of sockets) expect((await closeOf(socket, 10_000, "a close for the replaced connection")).code).toBe(SessionClose.Replaced);
  });
});

describe("deleted accounts", () => {
  const api = () => new RouteApi(cluster.route.url);
  const wsUrl = () => cluster.gateways[0]!.url.replace(/^http/, "ws") + "/ws";
  /** The user's own `cim-u:{u:<id>}:*` keys, found by SCAN (its deletion mark, `cim-account-gone:{u:<id>}`, stays). */
  async function keysOf(userId: string): Promise<string[]> {
    const found: string[] = [];
    let cursor = "0";
    do {
      const [next, batch] = await redis.scan(cursor, "MATCH", `cim-u:{u:${userId}}:*`, "COUNT", 1000);
      found.push(...batch);
      cursor = next;
    } while (cursor !== "0");
    return found;
  }

  it("a gateway that took a send to a user refuses the next one as unknown_recipient right after the account's deletion", async () => {
    const [friend, gone] = [await registerUser(cluster.route.url, "stays"), await registerUser(cluster.route.url, "deleted")];
    const device = await rawDevice(wsUrl(), friend.token);
    sockets.push(device);
    expect(await device.say({ to: gone.userId, text: "hello before" })).toMatch(/^\d+$/);
    await api().deleteAccount(gone.token, TEST_PASSWORD);
    // Bus messages are handled in order: once this receipt (published after the deletion's) arrives, the gateway heard the deletion.
    await redis.publish(channels.all, JSON.stringify({ type: "delivered", to: friend.userId, msgId: "43", by: "1" } satisfies ClusterMessage));
    await device.waitFor("delivered", (d) => d.msgId === "43");
    await expect(device.say({ to: gone.userId, text: "still there?" })).rejects.toThrow(ErrorCode.UnknownRecipient);
  });

  it("the deleted account's sockets close with 4401 'account deleted', and its token is refused saying so", async () => {
    const gone = await registerUser(cluster.route.url, "leaving");
    const device = await rawDevice(wsUrl(), gone.token);
    sockets.push(device);
    await api().deleteAccount(gone.token, TEST_PASSWORD);
    expect(await closeOf(device, 10_000, "the close of the deleted account's socket")).toEqual({ code: SessionClose.Revoked, reason: ACCOUNT_DELETED });
    await expect(api().reconnect(gone.token)).rejects.toMatchObject({ status: 401, code: "unauthorized", message: ACCOUNT_DELETED } satisfies Partial<CimApiError>);
    const socket = await openRaw(wsUrl());
    sockets.push(socket);
    socket.send({ kind: "login", body: { token: gone.token } });
    expect(await socket.waitFor("error")).toMatchObject({ code: "unauthorized", message: ACCOUNT_DELETED });
    expect(await closeOf(socket, 10_000, "a refused login")).toEqual({ code: LoginClose.BadToken, reason: ACCOUNT_DELETED });
  });

  it("a send to a user deleted without the gateway hearing of it (its bus message lost) is refused and writes none of its keys", async () => {
    const [friend, gone] = [await registerUser(cluster.route.url, "sender"), await registerUser(cluster.route.url, "unheard")];
    const device = await rawDevice(wsUrl(), friend.token);
    sockets.push(device);
    // The gateway now remembers that the account exists (for ACCOUNT_KNOWN_MS), as before a Send held for its resend.
    expect(await device.say({ to: gone.userId, text: "hello before" })).toMatch(/^\d+$/);
    // Route's deletion, without its kick on the bus: the gateway does not forget the account.
    await new AccountStore(redis).remove(gone.userId);
    await expect(device.say({ to: gone.userId, text: "are you there?" })).rejects.toThrow(ErrorCode.UnknownRecipient);
    expect(await keysOf(gone.userId)).toEqual([]);
  });

  it("no key of a deleted user remains once its sockets are closed, though they read, acknowledged and sent as it was deleted", async () => {
    const [friend, gone] = [await registerUser(cluster.route.url, "peer"), await registerUser(cluster.route.url, "active")];
    const friendDevice = await rawDevice(wsUrl(), friend.token);
    sockets.push(friendDevice);
    const msgId = await friendDevice.say({ to: gone.userId, text: "read me" });
    const phone = await rawDevice(wsUrl(), gone.token);
    const laptop = await rawDevice(wsUrl(), (await api().login(gone.userName, TEST_PASSWORD)).token);
    sockets.push(phone, laptop);
    await phone.waitFor("message", (m) => m.msgId === msgId);
    // The gateway is frozen while route deletes the account: these frames wait in its sockets and are handled as it
    // wakes, together with the deletion's kick, so their writes land after route removed the user's keys.
    const gateway = cluster.gateways[0]!.process.child;
    gateway.kill("SIGSTOP");
    try {
      phone.send({ kind: "delivered", body: { msgId, from: friend.userId } });
      phone.send({ kind: "read", body: { conversation: friend.userId, msgId } });
      laptop.send({ kind: "send", body: { clientMsgId: "last-words", to: friend.userId, text: "bye" } });
      await api().deleteAccount(gone.token, TEST_PASSWORD);
    } finally {
      gateway.kill("SIGCONT");
    }
    for (const socket of [phone, laptop]) expect((await closeOf(socket, 10_000, "a close of the deleted account's socket")).code).toBe(SessionClose.Revoked);
    // The keys go once the sockets' cleanup is done, a moment after they closed.
    await waitUntil(async () => (await keysOf(gone.userId)).length === 0, 10_000, "no key of the deleted user").catch(() => undefined);
    expect(await keysOf(gone.userId)).toEqual([]);
    expect(await keysOf(friend.userId)).toContain(`cim-u:{u:${friend.userId}}:inbox`);
    // Its peer reading their chat afterwards keeps nothing on the deleted user's keys either.
    friendDevice.send({ kind: "read", body: { conversation: gone.userId, msgId } });
    await friendDevice.waitFor("read", (r) => r.conversation === gone.userId && r.msgId === msgId);
    expect(await keysOf(gone.userId)).toEqual([]);
  });
});

describe("WebSocket pings", () => {
  it("a WebSocket Ping (the protocol's own, not the Ping frame) is answered with a Pong carrying its data, before and after login", async () => {
    const socket = await openRaw(cluster.gateways[0]!.url.replace(/^http/, "ws") + "/ws");
    sockets.push(socket);
    const pong = (data: string) =>
      new Promise<string>((resolve) => {
        socket.ws.once("pong", (payload: Buffer) => resolve(payload.toString()));
        socket.ws.ping(data);
      });
    expect(await pong("before login")).toBe("before login");
    const user = await registerUser(cluster.route.url, "ws-ping");
    socket.send({ kind: "login", body: { token: user.token } });
    await socket.waitFor("loginAck");
    expect(await pong("after login")).toBe("after login");
  });
});
