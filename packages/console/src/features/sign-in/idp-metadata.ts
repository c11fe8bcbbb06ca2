/** What a SAML IdP's metadata tells Tether's form. */
export interface IdpMetadataFields {
  idpIssuer: string;
  entryPoint: string;
  idpCertificates: string;
}

const REDIRECT_BINDING = 'urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect';

/** A base64 certificate as PEM, 64 characters a line. */
function pemOf(base64: string): string {
  const body = base64
    .replace(/\s+/g, '')
    .replace(/(.{64})/g, '$1\n')
    .trim();
  return `-----BEGIN CERTIFICATE-----\n${body}\n-----END CERTIFICATE-----`;
}

/**
 * Reads an IdP's SAML metadata (pasted XML) with the browser's XML parser: its entity ID, its
 * HTTP-Redirect single sign-on URL and its signing certificates. Throws a sentence saying what
 * is missing.
 */
export function readIdpMetadata(xml: string): IdpMetadataFields {
  const document = new DOMParser().parseFromString(xml, 'application/xml');
  if (document.getElementsByTagName('parsererror').length > 0)
    throw new Error('This is not XML: paste the whole metadata document.');
  const descriptor = document.getElementsByTagNameNS('*', 'IDPSSODescriptor')[0];
  const entity = descriptor?.parentElement;
  if (!descriptor || !entity) throw new Error('No IDPSSODescriptor: is this an IdP’s metadata?');
  const services = [...descriptor.getElementsByTagNameNS('*', 'SingleSignOnService')];
  const redirect = services.find((service) => service.getAttribute('Binding') === REDIRECT_BINDING);
  if (!redirect) throw new Error('The IdP offers no HTTP-Redirect single sign-on service.');
  const certificates = [...descriptor.getElementsByTagNameNS('*', 'KeyDescriptor')]
    .filter((key) => (key.getAttribute('use') ?? 'signing') === 'signing')
    .flatMap((key) => [...key.getElementsByTagNameNS('*', 'X509Certificate')])
    .map((element) => pemOf(element.textContent));
  if (certificates.length === 0) throw new Error('The metadata names no signing certificate.');
  return {
    idpIssuer: entity.getAttribute('entityID') ?? '',
    entryPoint: redirect.getAttribute('Location') ?? '',
    idpCertificates: [...new Set(certificates)].join('\n'),
  };
}
