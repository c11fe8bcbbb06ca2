import forge from 'node-forge';

/** One node of a parsed ASN.1 structure (node-forge's representation). */
export type Asn1 = forge.asn1.Asn1;

const { Class, Type } = forge.asn1;

/**
 * Parses BER/DER bytes (CMS messages may use indefinite lengths) into forge's ASN.1 tree.
 * Throws forge's error on malformed input; callers turn it into a message for people.
 */
export function parseAsn1(bytes: Uint8Array): Asn1 {
  const buffer = forge.util.createBuffer(Buffer.from(bytes).toString('binary'));
  // forge's runtime takes an options object; its type declarations only know the old boolean.
  const options = { strict: false, parseAllBytes: true, decodeBitStrings: false };
  const fromDer = forge.asn1.fromDer as unknown as (
    input: forge.util.ByteBuffer,
    opts: typeof options,
  ) => Asn1;
  return fromDer(buffer, options);
}

/** The children of a constructed node, or [] for a primitive one. */
export function childrenOf(node: Asn1 | undefined): Asn1[] {
  return node && Array.isArray(node.value) ? node.value : [];
}

/** True when `node` is a universal node of `type` (e.g. `Type.SEQUENCE`). */
export function isUniversal(node: Asn1 | undefined, type: number): boolean {
  const nodeType: number | undefined = node?.type;
  return node?.tagClass === Class.UNIVERSAL && nodeType === type;
}

/** True when `node` is context-specific tag `[tag]`. */
export function isContext(node: Asn1 | undefined, tag: number): boolean {
  const nodeType: number | undefined = node?.type;
  return node?.tagClass === Class.CONTEXT_SPECIFIC && nodeType === tag;
}

/** A node's content bytes; a constructed (BER-chunked) OCTET STRING is joined into one. */
export function bytesOf(node: Asn1 | undefined): Buffer {
  if (!node) return Buffer.alloc(0);
  if (typeof node.value === 'string') return Buffer.from(node.value, 'binary');
  return Buffer.concat(node.value.map((child) => bytesOf(child)));
}

/** The dotted OID of an OBJECT IDENTIFIER node, or '' when `node` is not one. */
export function oidOf(node: Asn1 | undefined): string {
  if (!isUniversal(node, Type.OID) || typeof node?.value !== 'string') return '';
  return forge.asn1.derToOid(node.value);
}

/** The DER encoding of a node (to compare names byte for byte). */
export function derOf(node: Asn1): Buffer {
  return Buffer.from(forge.asn1.toDer(node).getBytes(), 'binary');
}

/** An INTEGER's magnitude without leading zero bytes, as lower-case hex ('' for zero). */
export function integerHex(node: Asn1 | undefined): string {
  return bytesOf(node)
    .toString('hex')
    .replace(/^(00)+/, '');
}

export { Class, Type };
