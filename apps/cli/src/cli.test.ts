import { PassThrough } from "node:stream";
import { describe, expect, it, vi } from "vitest";
import { CimApiError, type ChatMessage, type ConnectionState, type HistoryMessage, type Presence, type SendAck, type StoredLogin } from "@cim/client";
import { runCli, type ChatClient } from "./cli.js";

// An SDK stand-in: records calls, lets the test push messages, presence and states.
class FakeClient implements ChatClient {
  state: ConnectionState = "idle";
  session: StoredLogin | null = null;
  gateway = { id: "gw-a", wsUrl: "ws://127.0.0.1:1/ws" };
  sent: Array<{ to?: string; text: string }> = [];
  history = vi.fn(async (query: { withUser?: string }): Promise<HistoryMessage[]> => this.stored.filter((m) => (query.withUser ? m.to !== "" : m.to === "")));
  stored: HistoryMessage[] = [];
  loggedOut = false;
  failLogin: Error | null = null;
  sendFails = false;
  private handlers: { message: Array<(m: ChatMessage) => void>; presence: Array<(p: Presence) => void>; state: Array<(s: ConnectionState) => void>; error: Array<(e: Error) => void> } = { message: [], presence: [], state: [], error: [] };

  register = vi.fn(async (userName: string) => ({ userId: "1", userName }));
  async logIn(userName: string): Promise<StoredLogin> {
    if (this.failLogin) throw this.failLogin;
    this.session = { userId: "1", userName, token: "t" };
    this.state = "online";
    return this.session;
  }
  async send(input: { to?: string; text: string }): Promise<SendAck> {
    if (this.sendFails) throw new Error("no user 99");
    this.sent.push(input);
    return { clientMsgId: "c", msgId: String(this.sent.length), ts: 0 };
  }
  onMessage = (h: (m: ChatMessage) => void) => (this.handlers.message.push(h), () => true);
  onPresence = (h: (p: Presence) => void) => (this.handlers.presence.push(h), () => true);
  onState = (h: (s: ConnectionState) => void) => (this.handlers.state.push(h), () => true);
  onError = (h: (e: Error) => void) => (this.handlers.error.push(h), () => true);
  async online() {
    return [{ userId: "1", userName: "ann" }, { userId: "2", userName: "bob" }, { userId: "3", userName: "anna" }];
  }
  async logout() {
    this.loggedOut = true;
    this.close();
  }
  close() {
    this.setState("closed");
  }
  push(message: ChatMessage) {
    for (const h of this.handlers.message) h(message);
  }
  setState(state: ConnectionState) {
    this.state = state;
    for (const h of this.handlers.state) h(state);
  }
}

function start(client: FakeClient, options: { userName?: string; password?: string; register?: boolean } = { userName: "ann", password: "pw" }) {
  const input = new PassThrough();
  const output = new PassThrough();
  let text = "";
  output.on("data", (chunk: Buffer) => (text += chunk.toString()));
  const exit = runCli({ client, input, output, ...options });
  const waitFor = (pattern: RegExp) => vi.waitFor(() => expect(text).toMatch(pattern), { timeout: 2_000, interval: 5 });
  return { type: (line: string) => input.write(`${line}\n`), end: () => input.end(), exit, output: () => text, waitFor };
}

describe("runCli", () => {
  it("logs in, sends group and private lines, quits with :q after logging out", async () => {
    const client = new FakeClient();
    const cli = start(client);
    await cli.waitFor(/logged in as ann\(1\) on gw-a/);
    cli.type("hello");
    cli.type("2;;hi bob");
    cli.type(":q");
    expect(await cli.exit).toBe(0);
    expect(client.sent).toEqual([{ to: undefined, text: "hello" }, { to: "2", text: "hi bob" }]);
    expect(client.loggedOut).toBe(true);
    expect(cli.output()).toMatch(/\* bye\n$/);
  });

  it("asks for missing credentials on the input", async () => {
    const client = new FakeClient();
    const cli = start(client, { register: true });
    cli.type("ann");
    cli.type("cim-test-pass-1");
    await cli.waitFor(/registered ann\(1\)/);
    expect(client.register).toHaveBeenCalledWith("ann", "cim-test-pass-1");
    cli.end();
    expect(await cli.exit).toBe(0);
    expect(cli.output()).toMatch(/^user: \npassword: \n\* registered/);
  });

  it("exits 2 when the input ends before a user name", async () => {
    const cli = start(new FakeClient(), {});
    cli.end();
    expect(await cli.exit).toBe(2);
    expect(cli.output()).toContain("! no user name given");
  });

  it("exits 1 with the server's message when login fails", async () => {
    const client = new FakeClient();
    client.failLogin = new CimApiError(401, "unauthorized", "wrong user name or password");
    const cli = start(client);
    expect(await cli.exit).toBe(1);
    expect(cli.output()).toBe("! login failed: wrong user name or password (unauthorized)\n");
  });

  it("prints received messages, presence and state changes", async () => {
    const client = new FakeClient();
    const cli = start(client);
    await cli.waitFor(/logged in/);
    client.push({ msgId: "9", from: "2", fromName: "bob", to: "", text: "yo", ts: 0, room: "" });
    client.push({ msgId: "10", from: "2", fromName: "bob", to: "1", text: "psst", ts: 0, room: "" });
    client.setState("reconnecting");
    client.setState("online");
    await cli.waitFor(/\[group\] bob\(2\): yo\n\[private\] bob\(2\): psst\n\* connection: lost, reconnecting...\n\* connection: online on gw-a/);
    cli.end();
    expect(await cli.exit).toBe(0);
  });

  it("lists online users, filters by prefix, shows info and help", async () => {
    const cli = start(new FakeClient());
    cli.type(":olu");
    await cli.waitFor(/3 users online:\n {2}ann\(1\)\n {2}anna\(3\)\n {2}bob\(2\)/);
    cli.type(":pu an");
    await cli.waitFor(/2 users online with a name starting with "an":\n {2}ann\(1\)\n {2}anna\(3\)\n/);
    cli.type(":info");
    await cli.waitFor(/user: ann\(1\)\ngateway: gw-a ws:\/\/127.0.0.1:1\/ws\nstate: online/);
    cli.type(":foo");
    await cli.waitFor(/unknown command :foo; the commands are:\n.*<text>/);
    cli.end();
    await cli.exit;
  });

  it("searches group and private history of known users, case-insensitively", async () => {
    const client = new FakeClient();
    client.stored = [
      { msgId: "1", from: "1", fromName: "ann", to: "", text: "Lunch at noon?", ts: 1, room: "" },
      { msgId: "2", from: "2", fromName: "bob", to: "", text: "no", ts: 2, room: "" },
      { msgId: "3", from: "7", fromName: "zed", to: "1", text: "lunch later", ts: 3, room: "" },
    ];
    const cli = start(client);
    await cli.waitFor(/logged in/);
    client.push({ msgId: "3", from: "7", fromName: "zed", to: "1", text: "lunch later", ts: 3, room: "" });
    cli.type(":q LUNCH");
    await cli.waitFor(/2 messages containing "LUNCH" \(searched 4 conversations\):\n.*\[group\] ann\(1\): Lunch at noon\?\n.*\[private\] zed\(7\) -> ann\(1\): lunch later\n/);
    const partners = client.history.mock.calls.map(([q]) => (q as { withUser?: string }).withUser).sort();
    expect(partners).toEqual(["2", "3", "7", undefined]);
    cli.end();
    await cli.exit;
  });

  it("sends a :delay message later and prints a failed send on one line", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout"] });
    try {
      const client = new FakeClient();
      const cli = start(client);
      await vi.waitFor(() => expect(cli.output()).toMatch(/logged in/));
      cli.type(":delay 2 later");
      await vi.waitFor(() => expect(cli.output()).toContain('will send "later" to the group in 2 s'));
      expect(client.sent).toEqual([]);
      await vi.advanceTimersByTimeAsync(2_000);
      expect(client.sent).toEqual([{ to: undefined, text: "later" }]);
      client.sendFails = true;
      cli.type("99;;hello");
      await vi.waitFor(() => expect(cli.output()).toContain('! send failed to 99 ("hello"): no user 99\n'));
      cli.end();
      expect(await cli.exit).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it("exits 1 when the session is closed by the server", async () => {
    const client = new FakeClient();
    const cli = start(client);
    await cli.waitFor(/logged in/);
    client.setState("closed");
    expect(await cli.exit).toBe(1);
    expect(cli.output()).toContain("* connection: closed");
  });
});
