import { test } from "uvu";
import * as assert from "uvu/assert";
import { toSupportMethod } from "../../site/payments.ts";

const uri = (type: string, value: string) => {
  const method = toSupportMethod(type, value);
  return "uri" in method ? method.uri : undefined;
};

test("crypto addresses become payment URIs when their checksum holds", () => {
  assert.is(uri("ethereum", "0x52908400098527886E0F7030069857D2E4169EE7"), "ethereum:0x52908400098527886E0F7030069857D2E4169EE7");
  assert.is(uri("ethereum", "mira.eth"), "ethereum:mira.eth");
  // BIP-173 and BIP-350 test vectors (bech32 v0, bech32m v1), and the genesis block's base58 address.
  assert.is(uri("bitcoin", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"), "bitcoin:bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4");
  assert.is(uri("bitcoin", "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0"), "bitcoin:bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0");
  assert.is(uri("bitcoin", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"), "bitcoin:1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa");
  assert.is(uri("lightning", "mira@wallet.example"), "lightning:mira@wallet.example");
  assert.is(uri("monero", `4${"A".repeat(94)}`), `monero:4${"A".repeat(94)}`);
});

test("one wrong character in a crypto address is caught", () => {
  assert.is(uri("ethereum", "0x52908400098527886E0F7030069857D2E4169EE"), undefined);
  assert.is(uri("ethereum", "0xZZ908400098527886E0F7030069857D2E4169EE7"), undefined);
  assert.is(uri("bitcoin", "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5"), undefined);
  assert.is(uri("bitcoin", "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNb"), undefined);
  assert.is(uri("bitcoin", "BC1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"), undefined, "mixed case is invalid bech32");
  assert.is(uri("lightning", "not an address"), undefined);
});

test("payment pages accept a user name or a link on their own host only", () => {
  assert.is(uri("liberapay", "mira"), "https://liberapay.com/mira/donate");
  assert.is(uri("paypal", "https://paypal.me/mira"), "https://paypal.me/mira");
  assert.is(uri("paypal", "https://evil.example/paypal.me/mira"), undefined);
  assert.is(uri("kofi", "javascript:alert(1)"), undefined);
  assert.is(uri("github", "mira"), "https://github.com/sponsors/mira");
});

test("an unknown type says which types exist", () => {
  const method = toSupportMethod("dogecoin", "x");
  assert.ok("unknownType" in method);
  assert.match((method as { expected: string }).expected, "ethereum, bitcoin");
});

test.run();
