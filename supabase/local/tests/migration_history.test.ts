// npm start on a database made before a fold: its applied versions are not a
// prefix of the files, and the stack names the reset instead of pushing.
import assert from "node:assert/strict";
import { historyMismatch, migrationFileVersions } from "../migration_history.ts";

// The versions a dev database made by the migrations before the second fold has applied.
const BEFORE_SECOND_FOLD = "20261201000100 20261201000200 20261201000300 20261201000400 20261201000500 20261201000600 20261201000700 20261201000800 20261201000900 20261201001000 20261201001100 20261201001200 20261201001300 20261201001400 20261201001500 20261201001600 20261201001700 20261201001800 20261201001900 20261201001950 20261201001960 20261201002000 20261201002010 20261201002020 20261201002100 20261201002110 20261201002120 20261201002200 20261201002201 20261201002300 20261201002500 20261201002510 20261201002511 20261201002520 20261201002530 20261201002600 20261201002610 20261201002620 20261201002900 20261201002910 20261201003100".split(" ");

Deno.test("migration history: a database made before the second fold is not migrated forward", () => {
  const files = migrationFileVersions();
  const mismatch = historyMismatch(BEFORE_SECOND_FOLD, files);
  assert.ok(mismatch, "the old history must not be a prefix of the folded files");
  assert.equal(mismatch.applied, BEFORE_SECOND_FOLD[mismatch.index]);
});

Deno.test("migration history: a fresh database, or one with the files' own versions, is migrated forward", () => {
  const files = migrationFileVersions();
  assert.equal(historyMismatch([], files), null);
  assert.equal(historyMismatch(files.slice(0, 5), files), null);
  assert.equal(historyMismatch(files, files), null);
});

Deno.test("migration history: a version the files lack, or one more than they have, is a mismatch", () => {
  const files = ["20261201000100", "20261201000200", "20261201000300"];
  assert.deepEqual(historyMismatch(["20261201000100", "20261201000250"], files),
    { index: 1, applied: "20261201000250", file: "20261201000200" });
  assert.deepEqual(historyMismatch([...files, "20261201000400"], files),
    { index: 3, applied: "20261201000400", file: undefined });
});
