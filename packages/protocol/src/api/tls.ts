import { z } from 'zod';

/** The oldest TLS version the listeners accept (S-5). */
export const TlsMinVersion = z.enum(['TLSv1.2', 'TLSv1.3']);
export type TlsMinVersion = z.infer<typeof TlsMinVersion>;

/** Protocol settings both HTTPS listeners share. */
export const TlsProtocolSettings = z.object({
  minVersion: TlsMinVersion,
  /** OpenSSL cipher list: TLS 1.2 names and TLS 1.3 `TLS_*` names, separated by colons. */
  ciphers: z.string().min(1).max(2000),
});
export type TlsProtocolSettings = z.infer<typeof TlsProtocolSettings>;

/** Where the served certificate comes from. */
export const CertificateSource = z.enum(['uploaded', 'configured', 'generated']);
export type CertificateSource = z.infer<typeof CertificateSource>;

/** What the administrator sees of a certificate (never its key). */
export const CertificateSummary = z.object({
  source: CertificateSource,
  subject: z.string(),
  issuer: z.string(),
  /** DNS names and IP addresses of its subject alternative names. */
  names: z.array(z.string()),
  validFrom: z.iso.datetime(),
  validTo: z.iso.datetime(),
  /** Whole days until `validTo` on the server's clock (negative once expired). */
  daysLeft: z.int(),
  /** base64url SHA-256 of the leaf certificate's DER: what agents see and the server signs. */
  fingerprint: z.string(),
  /** The same SHA-256 as colon-separated hex, as browsers show it. */
  fingerprintHex: z.string(),
  selfSigned: z.boolean(),
  /** `rsa 2048`, `ec P-256`, `ed25519`… */
  keyType: z.string(),
  /** Certificates sent to clients: the leaf, then its intermediates. */
  chainLength: z.int().min(1),
});
export type CertificateSummary = z.infer<typeof CertificateSummary>;

/**
 * Whether enrolled agents keep connecting after a change, and why. Agents pin the server's
 * signing key, not its certificate: each connection's proof signs the certificate it sees.
 */
export const AgentImpact = z.object({
  /** False when enrolled agents would stop connecting with the new settings. */
  agentsKeepConnecting: z.boolean(),
  /** Plain sentences: the reasons, each a whole statement. */
  reasons: z.array(z.string()),
  /** Agents connected now (they keep their connection either way). */
  connectedAgents: z.int().min(0),
});
export type AgentImpact = z.infer<typeof AgentImpact>;

/** The current TLS state of the listeners. */
export const TlsStatus = z.object({
  certificate: CertificateSummary,
  protocol: TlsProtocolSettings,
  /** The URL agents and browsers use; its host should be among the certificate's names. */
  publicUrl: z.string(),
  /** Problems worth fixing that do not stop the server (a name not covered, expiry soon). */
  warnings: z.array(z.string()),
});
export type TlsStatus = z.infer<typeof TlsStatus>;

/** A new certificate: PEM chain and key, a PKCS#12 file, the generated one, or unchanged. */
export const CertificateChoice = z.discriminatedUnion('source', [
  z.object({
    source: z.literal('pem'),
    /** The leaf certificate first, then its intermediates (PEM). */
    certificate: z.string().min(1).max(200_000),
    /** The private key (PEM, unencrypted). Never returned or logged. */
    key: z.string().min(1).max(50_000),
  }),
  z.object({
    source: z.literal('pkcs12'),
    /** The .p12 / .pfx file, base64. */
    pkcs12: z.string().min(1).max(300_000),
    passphrase: z.string().max(1024).default(''),
  }),
  /** Back to the server's self-signed certificate. */
  z.object({ source: z.literal('generated') }),
  /** Keep the certificate; change only the protocol settings. */
  z.object({ source: z.literal('unchanged') }),
]);
export type CertificateChoice = z.infer<typeof CertificateChoice>;

/** A change of the TLS settings (S-5), previewed first and then applied. */
export const TlsChangeRequest = z.object({
  certificate: CertificateChoice,
  /** Absent: unchanged. */
  protocol: TlsProtocolSettings.optional(),
  /**
   * Required when the preview says agents would stop connecting: the administrator saw that
   * and confirmed it.
   */
  acceptAgentImpact: z.boolean().default(false),
});
export type TlsChangeRequest = z.input<typeof TlsChangeRequest>;

/** What a change would do, checked without changing anything. */
export const TlsPreview = z.object({
  certificate: CertificateSummary,
  protocol: TlsProtocolSettings,
  warnings: z.array(z.string()),
  agents: AgentImpact,
});
export type TlsPreview = z.infer<typeof TlsPreview>;

/** The answer to an applied change: the new state and what it meant for agents. */
export const TlsChangeResult = TlsStatus.extend({ agents: AgentImpact });
export type TlsChangeResult = z.infer<typeof TlsChangeResult>;
