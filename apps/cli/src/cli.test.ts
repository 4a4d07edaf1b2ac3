import { describe, expect, it, vi } from "vitest";
import { CimApiError } from "@cim/client";
import { FakeClient, startCli as start } from "./fake-client.js";

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

  it("--register with a name already taken logs in with the password (the same command run a second time)", async () => {
    const client = new FakeClient();
    client.register.mockRejectedValueOnce(new CimApiError(409, "name_taken", "the name ann is taken"));
    const cli = start(client, { userName: "ann", password: "pw", register: true });
    await cli.waitFor(/logged in as ann\(1\) on gw-a/);
    expect(cli.output()).toMatch(/^\* ann is registered already: logging in\n\* logged in as ann/);
    cli.end();
    expect(await cli.exit).toBe(0);
  });

  it("--register with a name taken by someone else ends in the login's refusal, exit 1", async () => {
    const client = new FakeClient();
    client.register.mockRejectedValueOnce(new CimApiError(409, "name_taken", "the name ann is taken"));
    client.failLogin = new CimApiError(401, "unauthorized", "wrong user name or password");
    const cli = start(client, { userName: "ann", password: "pw", register: true });
    expect(await cli.exit).toBe(1);
    expect(cli.output()).toBe("* ann is registered already: logging in\n! login failed: wrong user name or password (unauthorized)\n");
  });

  it("--register refused for another reason stops there, exit 1", async () => {
    const client = new FakeClient();
    client.register.mockRejectedValueOnce(new CimApiError(400, "weak_password", "password must be at least 8 characters"));
    const cli = start(client, { userName: "ann", password: "pw", register: true });
    expect(await cli.exit).toBe(1);
    expect(cli.output()).toBe("! register failed: password must be at least 8 characters (weak_password)\n");
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
    // The private partner's presence is asked for; an answer repeating a known state prints nothing.
    expect(client.watched.at(-1)).toEqual(["2"]);
    client.pushPresence({ userId: "2", userName: "bob", online: true });
    client.pushPresence({ userId: "2", userName: "bob", online: true });
    client.pushPresence({ userId: "2", userName: "bob", online: false });
    await cli.waitFor(/\* bob\(2\) is online\n\* bob\(2\) is offline\n$/);
    cli.end();
    expect(await cli.exit).toBe(0);
  });

  it("prints a message handed out deleted, and an edit of it, as (deleted), then the deletion", async () => {
    const client = new FakeClient();
    const cli = start(client);
    await cli.waitFor(/logged in/);
    // A device back after the deletion: the servers hand the message and its edit out with text "" (CONTRACT).
    client.push({ msgId: "9", from: "2", fromName: "bob", to: "1", text: "", ts: 0, room: "" });
    client.push({ msgId: "10", from: "2", fromName: "bob", to: "1", text: "", ts: 0, room: "", editOf: "9" });
    client.push({ msgId: "11", from: "2", fromName: "bob", to: "1", text: "", ts: 0, room: "", editOf: "9", deleted: true });
    await cli.waitFor(/\[private\] bob\(2\): \(deleted\)\n\[private\] bob\(2\) edited 9: \(deleted\)\n\[private\] bob\(2\) deleted 9\n/);
    cli.end();
    expect(await cli.exit).toBe(0);
  });

  it("lists online users, filters by prefix, shows info and help; found users offline with when they were last online", async () => {
    const client = new FakeClient();
    client.lastSeenAt.set("4", Date.UTC(2026, 10, 28, 21, 40, 5));
    const cli = start(client);
    cli.type(":olu");
    await cli.waitFor(/3 users online:\n {2}ann\(1\)\n {2}anna\(3\)\n {2}bob\(2\)/);
    cli.type(":pu an");
    await cli.waitFor(/2 users online with a name starting with "an":\n {2}ann\(1\)\n {2}anna\(3\)\n/);
    cli.type(":info");
    await cli.waitFor(/user: ann\(1\)\ngateway: gw-a ws:\/\/127.0.0.1:1\/ws\nstate: online/);
    cli.type(":users ali");
    await cli.waitFor(/2 users with a name starting with "ali":\n {2}alice\(4\) \(last seen 2026-11-28 21:40:05 UTC\)\n {2}alicia\(5\)\n/);
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
