import forge from 'node-forge';
/** A certificate made for a test, with its key (PEM) and the forge objects to sign others. */
export interface TestCertificate {
    cert: string;
    key: string;
    /** base64url SHA-256 of the DER, as the server and agents compute it. */
    fingerprint: string;
    forgeCert: forge.pki.Certificate;
    forgeKey: forge.pki.rsa.PrivateKey;
}
/**
 * An RSA certificate with chosen names, validity and issuer (a CA of this module or itself):
 * what an administrator would upload. node:crypto makes the key (forge's is slow).
 */
export declare function makeCertificate(options?: {
    commonName?: string;
    names?: string[];
    notBefore?: Date;
    notAfter?: Date;
    issuer?: TestCertificate;
    isCa?: boolean;
}): TestCertificate;
/** A PKCS#12 file (base64) holding a key and its chain, as exported by a certificate tool. */
export declare function makePkcs12(leaf: TestCertificate, chain: readonly TestCertificate[], passphrase: string): string;
