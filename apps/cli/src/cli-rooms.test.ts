// The console with rooms, user names before `;;`, and messages from the user's other devices, on a fake SDK.
import { describe, expect, it } from "vitest";
import { FakeClient, startCli } from "./fake-client.js";

const room = (roomId: string, name: string) => ({ roomId, name, visibility: "public" as const, unread: 0, lastMsgId: "" });

async function loggedIn(setup: (client: FakeClient) => void = () => undefined) {
  const client = new FakeClient();
  setup(client);
  const cli = startCli(client);
  await cli.waitFor(/logged in as ann\(1\)/);
  return { client, cli };
}

describe("runCli: private lines by name", () => {
  it("name;;text reaches the user of exactly that name, case aside", async () => {
    const { client, cli } = await loggedIn();
    cli.type("alice;;hi alice");
    cli.type("ALICIA;;hi alicia");
    cli.type("2;;hi bob");
    await cli.waitFor(/./);
    await expect.poll(() => client.sent).toEqual([{ to: "4", text: "hi alice" }, { to: "5", text: "hi alicia" }, { to: "2", text: "hi bob" }]);
    cli.end();
    expect(await cli.exit).toBe(0);
  });

  it("an unknown name or an empty one is refused with a clear line and nothing goes to the group", async () => {
    const { client, cli } = await loggedIn();
    cli.type("ali;;for nobody");
    await cli.waitFor(/! no user is named ali: nothing sent \("for nobody"\)\n/);
    cli.type(";;text");
    await cli.waitFor(/! write who to send to before `;;`: a userId or a user name \(nothing sent\)\n/);
    cli.end();
    await cli.exit;
    expect(client.sent).toEqual([]);
  });
});

describe("runCli: rooms", () => {
  it("creates, lists, and sends to a room with #roomId or after :to, then back to the group", async () => {
    const { client, cli } = await loggedIn();
    cli.type(":mkroom lunch crew private");
    await cli.waitFor(/\* created #r10 lunch crew \(private\): write to it with #r10 <text>, or :to r10\n/);
    cli.type(":rooms");
    await cli.waitFor(/you are in 1 room:\n {2}#r10 lunch crew \(private\)\n/);
    cli.type("#r10 soup?");
    cli.type(":to r10");
    await cli.waitFor(/\* plain lines go to #r10 lunch crew\n/);
    cli.type("noodles!");
    cli.type(":to everyone");
    await cli.waitFor(/\* plain lines go to the group\n/);
    cli.type("hello all");
    await expect.poll(() => client.sent).toEqual([{ room: "r10", text: "soup?" }, { room: "r10", text: "noodles!" }, { text: "hello all" }]);
    cli.end();
    await cli.exit;
  });

  it(":to a room the user is not in is refused", async () => {
    const { client, cli } = await loggedIn();
    cli.type(":to r99");
    await cli.waitFor(/! you are not in #r99: :join r99 first/);
    cli.type("still the group");
    await expect.poll(() => client.sent).toEqual([{ text: "still the group" }]);
    cli.end();
    await cli.exit;
  });

  it("finds, joins and leaves public rooms; its own membership events are not printed twice", async () => {
    const { client, cli } = await loggedIn((c) => (c.directory = [{ roomId: "r3", name: "lunch", members: 4 }, { roomId: "r4", name: "tea", members: 1 }]));
    cli.type(":public LU");
    await cli.waitFor(/1 public room with a name starting with "LU":\n {2}#r3 lunch \(4 members\)\n/);
    cli.type(":join r3");
    await cli.waitFor(/\* you joined #r3 lunch\n/);
    client.pushRoomEvent({ room: "r3", name: "lunch", userId: "1", userName: "ann", kind: "joined" });
    client.pushRoomEvent({ room: "r3", name: "lunch", userId: "2", userName: "bob", kind: "joined" });
    await cli.waitFor(/\* bob\(2\) joined #r3 lunch\n/);
    cli.type(":to r3");
    await cli.waitFor(/plain lines go to #r3 lunch/);
    // The gateway's event may come before route's answer: the lines keep their order.
    client.beforeAnswer = () => client.pushRoomEvent({ room: "r3", name: "lunch", userId: "1", userName: "ann", kind: "left" });
    cli.type(":leave r3");
    await cli.waitFor(/\* you left #r3 lunch\n\* plain lines go to the group\n/);
    client.beforeAnswer = () => undefined;
    cli.type(":leave r3");
    await cli.waitFor(/! could not leave #r3: you are not a member of r3\n/);
    cli.type(":join r77");
    await cli.waitFor(/! could not join #r77: no room r77\n/);
    cli.end();
    await cli.exit;
    expect(cli.output().match(/you joined #r3/g)).toHaveLength(1);
  });

  it("invites a user by name and lists members; an unknown name is refused", async () => {
    const { client, cli } = await loggedIn((c) => (c.myRooms = [room("r3", "lunch")]));
    cli.type(":invite r3 Alice");
    await cli.waitFor(/\* added alice\(4\) to #r3 lunch\n/);
    client.pushRoomEvent({ room: "r3", name: "lunch", userId: "4", userName: "alice", kind: "invited" });
    cli.type(":invite r3 al");
    await cli.waitFor(/! no user is named al: nobody added to #r3\n/);
    cli.type(":invite r9 bob");
    await cli.waitFor(/! could not add bob to #r9: only members of r9 can invite\n/);
    cli.type(":members r3");
    await cli.waitFor(/2 members of #r3 lunch:\n {2}ann\(1\) \(online\)\n {2}bob\(2\) \(online\)\n/);
    cli.end();
    await cli.exit;
    expect(client.invited).toEqual([["r3", "4"]]);
    expect(client.memberPages).toEqual([["r3", { limit: 100, prefix: "" }]]);
    expect(cli.output()).not.toContain("alice(4) was added");
  });

  it("prints room messages with the room's name, events of others, and marks what it printed as read", async () => {
    const { client, cli } = await loggedIn((c) => (c.myRooms = [room("r3", "lunch")]));
    client.push({ msgId: "40", from: "2", fromName: "bob", to: "", text: "soup?", ts: 0, room: "r3" });
    client.push({ msgId: "41", from: "2", fromName: "bob", to: "", text: "all", ts: 0, room: "" });
    client.pushRoomEvent({ room: "r8", name: "tea", userId: "1", userName: "ann", kind: "invited" });
    client.push({ msgId: "42", from: "5", fromName: "cat", to: "", text: "welcome", ts: 0, room: "r8" });
    await cli.waitFor(/\[#r3 lunch\] bob\(2\): soup\?\n\[group\] bob\(2\): all\n\* you were added to #r8 tea\n\[#r8 tea\] cat\(5\): welcome\n/);
    expect(client.reads).toEqual(["r3:40", "everyone:41", "r8:42"]);
    cli.end();
    await cli.exit;
  });

  it("shows what the user sent from another device, naming the recipient of a private one", async () => {
    const { client, cli } = await loggedIn();
    client.push({ msgId: "50", from: "2", fromName: "bob", to: "1", text: "hi ann", ts: 0, room: "" });
    client.push({ msgId: "51", from: "1", fromName: "ann", to: "2", text: "hi bob, from my phone", ts: 0, room: "" });
    await cli.waitFor(/\[private\] bob\(2\): hi ann\n\[private\] ann\(1\) -> bob\(2\): hi bob, from my phone\n/);
    // A recipient this console has not seen yet is named from route's conversation list, and order is kept.
    client.peers = [{ userId: "8", userName: "zed" }];
    client.push({ msgId: "52", from: "1", fromName: "ann", to: "8", text: "hi zed", ts: 0, room: "" });
    client.push({ msgId: "9", from: "2", fromName: "bob", to: "", text: "right after", ts: 0, room: "" });
    await cli.waitFor(/\[private\] ann\(1\) -> zed\(8\): hi zed\n\[group\] bob\(2\): right after\n/);
    expect(client.reads).toEqual(["2:50", "2:51", "8:52", "everyone:9"]);
    cli.end();
    await cli.exit;
  });

  it("searches the user's rooms too", async () => {
    const { client, cli } = await loggedIn((c) => {
      c.myRooms = [room("r3", "lunch")];
      c.stored = [{ msgId: "7", from: "2", fromName: "bob", to: "", text: "Soup at noon", ts: 7, room: "r3" }];
    });
    cli.type(":q soup");
    await cli.waitFor(/1 message containing "soup" \(searched 4 conversations\):\n.*\[#r3 lunch\] bob\(2\): Soup at noon\n/);
    expect(client.history.mock.calls.map(([q]) => q.room).filter(Boolean)).toEqual(["r3"]);
    cli.end();
    await cli.exit;
  });
});
