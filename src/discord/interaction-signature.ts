import { createPublicKey, verify, type KeyObject } from "node:crypto";

/** DER SPKI header of an Ed25519 public key; Discord gives only the raw 32 bytes after it. */
const ED25519_SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");
/** Older (or newer) signatures are refused, so a captured request cannot be replayed later. */
export const MAX_SIGNATURE_AGE_MS = 5 * 60_000;

export interface SignedRequest {
  /** header X-Signature-Ed25519: 64 bytes as hex */
  signature: string | undefined;
  /** header X-Signature-Timestamp: Unix seconds */
  timestamp: string | undefined;
  body: Buffer;
}

/** The application's public key (hex, from the Developer Portal) as a key object. */
export function discordPublicKey(hex: string): KeyObject {
  if (!/^[0-9a-f]{64}$/i.test(hex)) throw new Error("a Discord public key is 64 hex digits");
  return createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, Buffer.from(hex, "hex")]), format: "der", type: "spki" });
}

/** Whether Discord signed `timestamp + body` with this key, recently enough. */
export function isSignedByDiscord(key: KeyObject, req: SignedRequest, now = Date.now()): boolean {
  const { signature, timestamp } = req;
  if (!signature || !timestamp || !/^[0-9a-f]{128}$/i.test(signature) || !/^\d{1,12}$/.test(timestamp)) return false;
  if (Math.abs(now - Number(timestamp) * 1000) > MAX_SIGNATURE_AGE_MS) return false;
  return verify(null, Buffer.concat([Buffer.from(timestamp), req.body]), key, Buffer.from(signature, "hex"));
}
