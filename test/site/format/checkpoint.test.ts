import { test } from "uvu";
import * as assert from "uvu/assert";
import { compareCheckpoints, findCheckpointProblem, isNewerVersion, listCheckpointItems, verifyCheckpoint, type CheckpointItem, type CheckpointState } from "../../../site/format/checkpoint.ts";
import { hashBytes } from "../../../site/format/hash.ts";
import { createSigner } from "../../../site/format/signer.ts";
import { articleFields, makeKeyring, noteFields, otherKey, otherRoot, signer, signRaw } from "./fixtures.ts";

const keyring = makeKeyring();
const note = signer.signEntry(noteFields);
const article = signer.signEntry(articleFields);
const first = signer.signCheckpoint({ created: "2025-01-05T00:00:00Z", entries: listCheckpointItems([note, article]) });

function state(sealed: { value: CheckpointState["value"]; hash: string }): CheckpointState {
  return { value: sealed.value, hash: sealed.hash };
}

function reasonOf(result: { status: string; reason?: string }): string {
  return result.status === "invalid" ? (result.reason as string) : result.status;
}

test("a checkpoint verifies and lists entries sorted by id with their updated time and payload hash", () => {
  const result = verifyCheckpoint(first.envelope, keyring);
  assert.is(result.status, "valid");
  if (result.status !== "valid") return;
  assert.is(result.value.seq, 1);
  assert.is(result.value.prev, null);
  assert.equal(result.value.entries, [
    [noteFields.id, noteFields.published, note.hash],
    [articleFields.id, "2025-01-04T08:30:00Z", article.hash],
  ].sort((a, b) => ((a[0] as string) < (b[0] as string) ? -1 : 1)));
});

test("the next checkpoint chains to the previous one by hash and continues it", () => {
  const edited = signer.signEntry({ ...noteFields, updated: "2025-01-06T00:00:00Z", body: "Edited." });
  const extra = signer.signEntry({ id: "zz-late", published: "2025-01-06T00:00:00Z", kind: "note", body: "New." });
  const second = signer.signCheckpoint({ created: "2025-01-06T00:00:00Z", entries: listCheckpointItems([note, edited, article, extra]), previous: state(first) });
  assert.is(second.value.seq, 2);
  assert.is(second.value.prev, first.hash);
  assert.is(reasonOf(verifyCheckpoint(second.envelope, keyring, { previous: state(first) })), "valid");
  const comparison = compareCheckpoints(state(first), state(second));
  assert.equal(comparison, { status: "consistent", same: false, added: ["zz-late"], changed: [noteFields.id] });
  assert.equal(compareCheckpoints(state(first), state(first)), { status: "consistent", same: true, added: [], changed: [] });
});

test("a checkpoint that drops an entry skips it", () => {
  const second = signer.signCheckpoint({ created: "2025-01-06T00:00:00Z", entries: listCheckpointItems([article]), previous: state(first) });
  const result = verifyCheckpoint(second.envelope, keyring, { previous: state(first) });
  assert.is(reasonOf(result), "checkpoint-skips-entry");
  if (result.status === "invalid") assert.match(result.message, new RegExp(`drops entry "${noteFields.id}"`));
});

test("a checkpoint that changes an entry's hash without a later update rewrites it", () => {
  const items = listCheckpointItems([note, article]).map(([id, updated, hash]): CheckpointItem => (id === noteFields.id ? [id, updated, hashBytes("other bytes")] : [id, updated, hash]));
  const second = signer.signCheckpoint({ created: "2025-01-06T00:00:00Z", entries: items, previous: state(first) });
  assert.is(reasonOf(verifyCheckpoint(second.envelope, keyring, { previous: state(first) })), "checkpoint-rewrites-entry");
  const older = listCheckpointItems([note, article]).map(([id, , hash]): CheckpointItem => [id, "2025-01-01T00:00:00Z", hash === note.hash ? hashBytes("old") : hash]);
  const third = signer.signCheckpoint({ created: "2025-01-06T00:00:00Z", entries: older, previous: state(first) });
  assert.is(reasonOf(compareCheckpoints(state(first), state(third))), "checkpoint-rewrites-entry", "a rolled-back entry");
});

test("sequence rollback, forks and broken chains", () => {
  const second = signer.signCheckpoint({ created: "2025-01-06T00:00:00Z", entries: listCheckpointItems([note, article]), previous: state(first) });
  assert.is(reasonOf(verifyCheckpoint(first.envelope, keyring, { previous: state(second) })), "stale-sequence");
  const fork = signer.signCheckpoint({ created: "2025-01-07T00:00:00Z", entries: listCheckpointItems([note]), previous: state(first) });
  assert.is(reasonOf(compareCheckpoints(state(second), state(fork))), "checkpoint-fork");
  const unchained = signRaw({ ...second.value, prev: hashBytes("not the previous") }, "checkpoint");
  assert.is(reasonOf(verifyCheckpoint(unchained, keyring, { previous: state(first) })), "checkpoint-broken-chain");
  const otherSigner = createSigner({ identity: otherRoot.did, signingKey: otherKey });
  const foreign = otherSigner.signCheckpoint({ created: "2025-01-06T00:00:00Z", entries: [], previous: { value: { ...second.value, author: otherRoot.did }, hash: first.hash } });
  assert.is(reasonOf(compareCheckpoints(state(first), state(foreign))), "wrong-author");
});

test("a gap in sequence numbers is allowed (a follower missed builds) but entries must still be there", () => {
  const third = signRaw({ ...first.value, seq: 3, prev: hashBytes("checkpoint 2") }, "checkpoint");
  assert.is(reasonOf(verifyCheckpoint(third, keyring, { previous: state(first) })), "valid");
});

test("an entry signature replayed as a checkpoint is the wrong type", () => {
  assert.is(reasonOf(verifyCheckpoint(note.envelope, keyring)), "wrong-type");
});

test("checkpoint rules", () => {
  const base = first.value;
  const [a, b] = base.entries as [CheckpointItem, CheckpointItem];
  const problems: [unknown, RegExp][] = [
    [{ ...base, entries: [b, a] }, /sorted by id/],
    [{ ...base, entries: [a, a] }, /without repeats/],
    [{ ...base, entries: [[a[0], a[1]]] }, /\[id, updated, hash\]/],
    [{ ...base, entries: [[a[0], "yesterday", a[2]]] }, /timestamp/],
    [{ ...base, prev: hashBytes("x") }, /prev must be null for seq 1/],
    [{ ...base, seq: 2 }, /prev must be null for seq 1 and a hash after it/],
  ];
  for (const [object, pattern] of problems) {
    assert.match(findCheckpointProblem(object) ?? "", pattern);
    assert.is(reasonOf(verifyCheckpoint(signRaw(object, "checkpoint"), keyring)), "malformed-object");
  }
});

test("listCheckpointItems keeps the winning version of each id; a tombstone wins a tie", () => {
  const edited = signer.signEntry({ ...noteFields, updated: "2025-01-06T00:00:00Z", body: "Edited." });
  const tombstone = signer.signTombstone({ id: noteFields.id, updated: "2025-01-06T00:00:00Z" });
  assert.equal(listCheckpointItems([edited, note]).map((i) => i[2]), [edited.hash]);
  assert.equal(listCheckpointItems([tombstone, edited]).map((i) => i[2]), [tombstone.hash]);
  assert.equal(listCheckpointItems([edited, tombstone]).map((i) => i[2]), [tombstone.hash]);
  assert.ok(isNewerVersion(tombstone.value, edited.value));
  assert.not.ok(isNewerVersion(note.value, edited.value));
});

test.run();
