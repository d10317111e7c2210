// Key certificates: the root key (offline, for recovery) vouches for a subkey and its purpose. Signing
// keys ("sign", Ed25519) sign entries, checkpoints and records; encryption keys ("encrypt", X25519) are
// for encrypted posts later. A later certificate (higher serial) for the same subject supersedes earlier
// ones: it can shorten or extend `expires`, or set `status: "revoked"`.
import { checkAnyDid, checkConstant, checkDid, checkNullable, checkOneOf, checkSequence, checkTimestamp, findProblem, type FieldSpec } from "./fields.ts";
import { checkSignature, FORMAT_VERSION, openEnvelope, sealEnvelope, type Sealed } from "./envelope.ts";
import { InvalidObjectError, KeyError } from "./errors.ts";
import type { KeyPair } from "./keys.ts";
import { invalid, validPayload, type VerifyResult } from "./result.ts";

export type KeyPurpose = "sign" | "encrypt";

export interface CertificatePayload {
  readonly type: "certificate";
  readonly v: 1;
  /** The certifying root identity; the certificate is signed by this key and no other. */
  readonly root: string;
  /** Strictly increasing across all certificates a root issues; per subject the highest wins. */
  readonly serial: number;
  readonly issued: string;
  readonly subject: string;
  readonly purpose: KeyPurpose;
  /** After this instant the subject may not sign new objects (objects dated later are refused). */
  readonly expires: string | null;
  readonly status: "active" | "revoked";
}

/** What `certifyKey` needs; `expires` defaults to null and `status` to "active". */
export interface CertificateFields {
  readonly subject: string;
  readonly purpose: KeyPurpose;
  readonly serial: number;
  readonly issued: string;
  readonly expires?: string | null;
  readonly status?: "active" | "revoked";
}

const FIELDS: Record<string, FieldSpec> = {
  type: { check: checkConstant("certificate") },
  v: { check: checkConstant(FORMAT_VERSION) },
  root: { check: checkDid("ed25519") },
  serial: { check: checkSequence },
  issued: { check: checkTimestamp },
  subject: { check: checkAnyDid },
  purpose: { check: checkOneOf("sign", "encrypt") },
  expires: { check: checkNullable(checkTimestamp) },
  status: { check: checkOneOf("active", "revoked") },
};

/** Finds what is wrong with a certificate payload object, or undefined when it is well formed. */
export function findCertificateProblem(object: unknown): string | undefined {
  const problem = findProblem(object, FIELDS, "certificate");
  if (problem !== undefined) return problem;
  const cert = object as CertificatePayload;
  if (cert.subject === cert.root) return "certificate certifies the root key itself; the root needs no certificate";
  const wanted = cert.purpose === "sign" ? "ed25519" : "x25519";
  if (checkDid(wanted)(cert.subject) !== undefined) {
    return `certificate for purpose "${cert.purpose}" must certify ${wanted === "ed25519" ? "an Ed25519" : "an X25519"} key`;
  }
  if (cert.expires !== null && cert.expires < cert.issued) return "certificate expires before it is issued";
  return undefined;
}

/** Signs a certificate for a subkey with the root key. */
export function certifyKey(root: KeyPair, fields: CertificateFields): Sealed<CertificatePayload> {
  if (root.algorithm !== "ed25519") throw new KeyError(`the root key must be Ed25519, got ${root.algorithm}`);
  const payload: CertificatePayload = {
    type: "certificate",
    v: 1,
    root: root.did,
    serial: fields.serial,
    issued: fields.issued,
    subject: fields.subject,
    purpose: fields.purpose,
    expires: fields.expires ?? null,
    status: fields.status ?? "active",
  };
  const problem = findCertificateProblem(payload);
  if (problem !== undefined) throw new InvalidObjectError(problem);
  return sealEnvelope(payload, root);
}

/** Verifies a certificate against the root identity it must come from; never throws. */
export function verifyCertificate(envelope: unknown, root: string): VerifyResult<CertificatePayload> {
  const opened = openEnvelope(envelope, "certificate");
  if (opened.status !== "opened") return opened;
  const problem = findCertificateProblem(opened.object);
  if (problem !== undefined) return invalid("malformed-object", problem);
  const value = opened.object as unknown as CertificatePayload;
  if (value.root !== root) {
    return invalid("wrong-root", `certificate ${value.serial} names root ${value.root}, not the expected identity ${root}`);
  }
  if (opened.key.did !== root) {
    return invalid("wrong-root", `certificate ${value.serial} is signed by ${opened.key.did}, not by the root ${root}`);
  }
  const bad = checkSignature(opened, "certificate");
  if (bad !== undefined) return bad;
  return validPayload(value, opened, root, "signature");
}
