// The capsule format: canonical JSON, keys, signed envelopes, the five object types, verification and
// carriage in feeds. Specification: docs/format.md. Both the site build and the crawler import this.
export { canonicalize, canonicalizeToString, parseCanonicalJson, type CanonicalParse } from "./canonical.ts";
export { decodeBase64url, encodeBase64url, type Base64urlDecode } from "./base64url.ts";
export { decodeDidKey, encodeDidKey, importDidKey, isDidKey, type DidKey, type KeyAlgorithm } from "./did.ts";
export { deriveKeyPair, exportPrivateKey, exportPrivateKeyLine, generateKeyPair, importPrivateKey, toKeyPair, type KeyPair } from "./keys.ts";
export { hashBytes } from "./hash.ts";
export { buildSigningInput, FORMAT_VERSION, isEnvelope, MAX_PAYLOAD_BYTES, type Envelope, type ObjectType, type Sealed } from "./envelope.ts";
export { invalid, type Authentication, type Invalid, type InvalidReason, type Unsigned, type Valid, type VerifyResult } from "./result.ts";
export { certifyKey, verifyCertificate, type CertificateFields, type CertificatePayload, type KeyPurpose } from "./certificate.ts";
export { authorizeSigner, createKeyring, listCertificates, type CertifiedKey, type Keyring, type KeyringResult } from "./keyring.ts";
export { isTombstone, verifyAttachment, verifyBody, verifyEntry, type Attachment, type EntryContent, type EntryPayload, type Tombstone } from "./entry.ts";
export {
  compareCheckpoints, isNewerVersion, listCheckpointItems, verifyCheckpoint,
  type CheckpointComparison, type CheckpointItem, type CheckpointPayload, type CheckpointState,
} from "./checkpoint.ts";
export { verifyIdentityRecord, type IdentityPayload, type Profile, type VerifiedIdentity } from "./identity.ts";
export { pickCurrentLocation, verifyLocationRecord, type LocationChoice, type LocationPayload } from "./location.ts";
export { Verifier, type VerifierOptions } from "./verifier.ts";
export { buildEntryPayload, createSigner, type EntryFields, type IdentityFields, type LocationFields, type Signer, type SignerKeys } from "./signer.ts";
export * from "./carriage.ts";
export { parseCapsuleTxt, resolveCapsuleTxt, resolveTxtWithin, type CapsuleTxt, type ResolveTxt } from "./dns.ts";
export { CanonicalizationError, InvalidObjectError, KeyError } from "./errors.ts";
