// Unit tests for the UI's pure helpers: `node --test ui/tests/`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { agentName, countdown, hostOf, matchesUser, userName, visibleRange } from "../format.js";

test("agentName prefers first and last name", () => {
  assert.equal(agentName({ firstName: "John", lastName: "Wang", agentId: 1 }), "John Wang");
  assert.equal(agentName({ username: "jw@example.com", agentId: 1 }), "jw@example.com");
  assert.equal(agentName({ agentId: 7 }), "Agent 7");
});

test("countdown formats minutes and seconds", () => {
  assert.equal(countdown(245_000), "4 min 05 s");
  assert.equal(countdown(12_400), "12 s");
  assert.equal(countdown(0), "now");
  assert.equal(countdown(-5), "now");
  assert.equal(countdown(Number.NaN), "now");
});

test("hostOf keeps host and port", () => {
  assert.equal(hostOf("https://ringcx.ringcentral.com/"), "ringcx.ringcentral.com");
  assert.equal(hostOf("http://127.0.0.1:8787/"), "127.0.0.1:8787");
  assert.equal(hostOf("not a url"), "not a url");
});

test("matchesUser searches name, user name and id, ignoring case", () => {
  const u = { userId: 4211, userName: "zoe@example.com", firstName: "Zoë", lastName: "Łukasiewicz" };
  assert.equal(userName(u), "Zoë Łukasiewicz");
  for (const q of ["", "zoë", "ŁUKA", "zoe@", "421"]) assert.ok(matchesUser(u, q), q);
  assert.ok(!matchesUser(u, "john"));
});

test("visibleRange covers the viewport plus overscan, clamped", () => {
  assert.deepEqual(visibleRange(0, 320, 32, 100_000, 8), [0, 19]);
  assert.deepEqual(visibleRange(3200, 320, 32, 100_000, 8), [92, 119]);
  assert.deepEqual(visibleRange(32 * 99_990, 320, 32, 100_000, 8), [99_982, 100_000]);
  assert.deepEqual(visibleRange(0, 320, 32, 0), [0, 0]);
  assert.deepEqual(visibleRange(-50, 320, 32, 5, 2), [0, 5]);
  // The window never grows with the list: bounded row nodes at any size.
  const [s, e] = visibleRange(32 * 50_000, 600, 32, 100_000, 8);
  assert.ok(e - s <= 600 / 32 + 1 + 16 + 1);
});
