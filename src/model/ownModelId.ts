/**
 * Picker ids (and session keys) of the user's own models: both files' hashes, since one .onnx may
 * come with another metadata file, behind a prefix no index id can have. Apart from ownModel.ts
 * because the store's selectors need it and ownModel.ts brings in the metadata schema (ajv), which
 * Node code without a bundler (the e2e specs, through the selectors) cannot load.
 */
const OWN_PREFIX = 'own:';

export const ownModelId = (own: { readonly sha256: string; readonly metadataSha256: string }) =>
  `${OWN_PREFIX}${own.sha256}.${own.metadataSha256.slice(0, 16)}`;

export const isOwnModelId = (id: string) => id.startsWith(OWN_PREFIX);
