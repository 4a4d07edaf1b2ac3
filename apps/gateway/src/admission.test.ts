import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { clientKey, isAddressOrRange } from "@cim/config";
import { Admission, clientAddress } from "./admission.js";

const LIMITS = { maxPendingPerClient: 3, maxSocketsPerClient: 1_000, connectRatePerSec: 1, connectBurst: 5, exempt: ["127.0.0.0/8", "::1"] };

describe("Admission", () => {
  it("refuses an address's upgrades beyond its sockets not logged in; a login or close frees a place", () => {
    const admission = new Admission(LIMITS);
    const sockets = [{}, {}, {}];
    for (const socket of sockets) {
      expect(admission.check("10.0.0.1")).toBeNull();
      admission.opened(socket, "10.0.0.1");
    }
    expect(admission.check("10.0.0.1")).toBe("pending");
    expect(admission.check("10.0.0.2")).toBeNull(); // another address is not affected
    admission.settled(sockets[0]!);
    admission.settled(sockets[0]!); // twice (login, then close) counts once
    expect(admission.pendingOf("10.0.0.1")).toBe(2);
    expect(admission.check("10.0.0.1")).toBeNull();
  });

  it("refuses an address's upgrades beyond its open sockets, logged in or not; only a close frees a place", () => {
    const admission = new Admission({ ...LIMITS, maxSocketsPerClient: 2 });
    const sockets = [{}, {}];
    for (const socket of sockets) {
      expect(admission.check("10.0.0.1")).toBeNull();
      admission.opened(socket, "10.0.0.1");
      admission.settled(socket); // logged in
    }
    expect(admission.pendingOf("10.0.0.1")).toBe(0);
    expect(admission.check("10.0.0.1")).toBe("sockets");
    expect(admission.check("10.0.0.2")).toBeNull();
    admission.closed(sockets[0]!);
    admission.closed(sockets[0]!); // twice counts once
    expect(admission.openOf("10.0.0.1")).toBe(1);
    expect(admission.check("10.0.0.1")).toBeNull();
  });

  it("refuses upgrades of an address beyond its rate and burst, and refills at the rate", () => {
    let now = 0;
    const admission = new Admission({ ...LIMITS, maxPendingPerClient: 100 }, () => now);
    const results = Array.from({ length: 6 }, () => admission.check("10.0.0.1"));
    expect(results).toEqual([null, null, null, null, null, "rate"]);
    now += 1_000;
    expect([admission.check("10.0.0.1"), admission.check("10.0.0.1")]).toEqual([null, "rate"]);
  });

  it("applies no limit to exempt addresses and ranges", () => {
    const admission = new Admission({ ...LIMITS, connectBurst: 1, maxPendingPerClient: 1 });
    for (const address of ["127.0.0.1", "127.0.0.2", "::1", "::ffff:127.0.0.1"]) {
      for (let i = 0; i < 10; i++) {
        expect(admission.check(address)).toBeNull();
        admission.opened({}, address);
      }
      expect(admission.pendingOf(address)).toBe(0);
    }
  });

  it("counts an IPv6 client by its /64 and an IPv4-mapped address as IPv4", () => {
    const admission = new Admission({ ...LIMITS, exempt: [] });
    for (let i = 1; i <= 3; i++) admission.opened({}, `2001:db8:1:2::${i}`);
    expect(admission.check("2001:db8:1:2:ffff:0:0:9")).toBe("pending");
    expect(admission.check("2001:db8:1:3::1")).toBeNull();
    admission.opened({}, "::ffff:10.0.0.9");
    expect(admission.pendingOf("10.0.0.9")).toBe(1);
  });

  it("forgets the rate of idle addresses only once their bucket is full again", () => {
    let now = 0;
    const admission = new Admission({ ...LIMITS, connectBurst: 2 }, () => now);
    admission.check("10.0.0.1");
    admission.check("10.0.0.1");
    admission.sweep();
    expect(admission.check("10.0.0.1")).toBe("rate"); // still remembered: no fresh burst
    now += 2_000;
    admission.sweep();
    expect([admission.check("10.0.0.1"), admission.check("10.0.0.1"), admission.check("10.0.0.1")]).toEqual([null, null, "rate"]);
  });
});

describe("client addresses", () => {
  it("keys IPv4 as is and IPv6 by its /64", () => {
    expect(clientKey("192.0.2.7")).toBe("192.0.2.7");
    expect(clientKey("::ffff:192.0.2.7")).toBe("192.0.2.7");
    expect(clientKey("2001:db8::1")).toBe("2001:db8:0:0::/64");
    expect(clientKey("2001:0db8:0000:0001:aaaa:bbbb:cccc:dddd")).toBe("2001:db8:0:1::/64");
    expect(clientKey("fe80::1%eth0")).toBe("fe80:0:0:0::/64");
    expect(clientKey("::1")).toBe("0:0:0:0::/64");
  });

  it("accepts addresses and ranges, nothing else", () => {
    for (const ok of ["127.0.0.1", "10.0.0.0/8", "::1", "fd00::/8", "0.0.0.0/0"]) expect(isAddressOrRange(ok), ok).toBe(true);
    for (const bad of ["", "localhost", "10.0.0.0/33", "::1/129", "10.0.0.1/8/1", "10.0.0/8", "1.2.3.4/x"]) expect(isAddressOrRange(bad), bad).toBe(false);
  });

  it("takes X-Forwarded-For's last entry only behind a trusted proxy", () => {
    const req = { headers: { "x-forwarded-for": "203.0.113.9, 198.51.100.4" }, socket: { remoteAddress: "::ffff:127.0.0.1" } } as unknown as IncomingMessage;
    expect(clientAddress(req, false)).toBe("127.0.0.1");
    expect(clientAddress(req, true)).toBe("198.51.100.4");
  });
});
