import { useState } from 'react';
import { Notice } from '../../components/notice.js';
import { readIdpMetadata, type IdpMetadataFields } from './idp-metadata.js';

/** Pasting a SAML IdP's metadata fills its single sign-on URL, entity ID and certificate. */
export function IdpMetadataPaste({ onFill }: { onFill: (fields: IdpMetadataFields) => void }) {
  const [xml, setXml] = useState('');
  const [error, setError] = useState<string | null>(null);
  const fill = () => {
    try {
      onFill(readIdpMetadata(xml));
      setError(null);
      setXml('');
    } catch (failure) {
      setError((failure as Error).message);
    }
  };
  return (
    <div className="field field-wide">
      <span>IdP metadata (optional)</span>
      <textarea
        rows={3}
        value={xml}
        placeholder="Paste the IdP's metadata XML to fill the fields below"
        onChange={(event) => setXml(event.target.value)}
        data-testid="sso-idp-metadata"
      />
      <div>
        <button
          type="button"
          className="button"
          disabled={xml.trim() === ''}
          onClick={fill}
          data-testid="sso-idp-metadata-fill"
        >
          Fill from metadata
        </button>
      </div>
      {error && <Notice kind="error">{error}</Notice>}
    </div>
  );
}
