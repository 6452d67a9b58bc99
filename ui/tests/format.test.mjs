// Unit tests for the UI's pure helpers: `node --test ui/tests/`.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  agentName, ariaSort, checkServer, presetFor, blockFor, clockTime, countText, countdown, covers, fieldText, hostOf, nextSort, visibleRange,
} from "../format.js";

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

test("blockFor asks for the range plus a margin, never before row 0", () => {
  assert.deepEqual(blockFor(0, 30), { offset: 0, limit: 90 });
  assert.deepEqual(blockFor(1000, 1030), { offset: 940, limit: 150 });
  assert.deepEqual(blockFor(10, 20, 5), { offset: 5, limit: 20 });
});

test("covers needs every row of the range in the block", () => {
  const block = { offset: 100, rows: new Array(50) };
  assert.ok(covers(block, 100, 150));
  assert.ok(covers(block, 120, 130));
  assert.ok(!covers(block, 99, 120));
  assert.ok(!covers(block, 140, 151));
  assert.ok(!covers(null, 0, 0));
});

test("a virtual window over 100k rows stays a few dozen rows", () => {
  const [start, end] = visibleRange(3_200_000, 600, 32, 100_000);
  assert.equal(start, 99_992);
  assert.equal(end, 100_000);
  const [s2, e2] = visibleRange(1_600_000, 600, 32, 100_000);
  assert.ok(e2 - s2 <= 40, `${e2 - s2} rows`);
  assert.deepEqual(visibleRange(0, 600, 0, 10), [0, 0]);
});

test("sorting cycles ascending, descending, tree order", () => {
  let s = { sort: "tree", descending: false };
  s = nextSort(s, "name");
  assert.deepEqual(s, { sort: "name", descending: false });
  assert.equal(ariaSort(s, "name"), "ascending");
  assert.equal(ariaSort(s, "roles"), "none");
  s = nextSort(s, "name");
  assert.equal(ariaSort(s, "name"), "descending");
  s = nextSort(s, "name");
  assert.deepEqual(s, { sort: "tree", descending: false });
  assert.deepEqual(nextSort({ sort: "name", descending: true }, "created"), { sort: "created", descending: false });
});

test("fieldText shows every kind of value plainly", () => {
  assert.equal(fieldText(null), "—");
  assert.equal(fieldText(""), "—");
  assert.equal(fieldText("Zoë"), "Zoë");
  assert.equal(fieldText(false), "false");
  assert.equal(fieldText(42), "42");
  assert.equal(fieldText(["SUPER_USER", "AGENT"]), '["SUPER_USER","AGENT"]');
  assert.equal(fieldText({ a: 1 }), '{"a":1}');
});

test("clockTime and countText", () => {
  assert.equal(clockTime(0), "");
  assert.equal(clockTime(Number.NaN), "");
  // Hours and minutes depend on the time zone (some are offset by half an
  // hour or 45 minutes); the seconds do not.
  assert.match(clockTime(Date.UTC(2026, 10, 25, 14, 3, 7)), /^\d\d:\d\d:07$/);
  assert.notEqual(clockTime(Date.UTC(2026, 10, 25, 14, 3, 7)), clockTime(Date.UTC(2026, 10, 25, 14, 3, 8)));
  // 24-hour in every locale, in the local time zone.
  const evening = new Date(2026, 10, 25, 21, 4, 9).getTime();
  assert.equal(clockTime(evening), "21:04:09");
  assert.equal(clockTime(new Date(2026, 10, 25, 0, 0, 1).getTime()), "00:00:01");
  assert.equal(countText(3, 300), "3 of 300");
  assert.equal(countText(250, 250, false), "First 250 shown, reading the rest…");
});

test("checkServer wants https, or http on this computer", () => {
  assert.equal(checkServer("https://platform.ringcentral.com"), "");
  assert.equal(checkServer(" http://127.0.0.1:8787 "), "");
  assert.equal(checkServer("http://localhost:1"), "");
  assert.match(checkServer(""), /Enter the server address/);
  assert.match(checkServer("platform.ringcentral.com"), /not a web address/);
  assert.match(checkServer("http://platform.ringcentral.com"), /https:\/\//);
  assert.match(checkServer("ftp://x.com"), /https:\/\//);
});

test("presetFor recognises a preset pair, else custom", () => {
  const presets = [
    { id: "ringcx", rc: "https://platform.ringcentral.com", ringcx: "https://ringcx.ringcentral.com" },
    { id: "engage", rc: "https://platform.ringcentral.com", ringcx: "https://engage.ringcentral.com" },
  ];
  assert.equal(presetFor("https://platform.ringcentral.com/", "https://engage.ringcentral.com", presets), "engage");
  assert.equal(presetFor("https://platform.ringcentral.com", "https://ringcx.ringcentral.com", presets), "ringcx");
  assert.equal(presetFor("http://127.0.0.1:1", "http://127.0.0.1:1", presets), "custom");
});
