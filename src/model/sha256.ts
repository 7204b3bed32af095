/**
 * SHA-256 of a byte array as lowercase hex (crypto.subtle: the page, the worker and Node share it).
 * The model loader checks downloads with it; the page names a model from disk by it.
 */
export async function sha256Hex(bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** SHA-256 of a text's UTF-8 bytes. */
export const textSha256 = (text: string) => sha256Hex(new TextEncoder().encode(text));
