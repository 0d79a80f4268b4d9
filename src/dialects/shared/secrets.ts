/** Secret masking: the one implementation drivers and the run loop share (no message ever holds a password). */
import { maskPasswords } from '../../runtime/url.js'

/**
 * `text` with every URL password and known password masked (maskPasswords), and `secret` too, also URL-encoded,
 * where a driver echoes it without the URL around it. Very short secrets would mask ordinary words: like
 * maskPasswords, they are masked inside URLs only.
 */
export function maskSecret(text: string, secret: string | undefined): string {
  let masked = maskPasswords(text)
  if (secret && secret.length >= 3) {
    masked = masked.split(secret).join('***')
    const encoded = encodeURIComponent(secret)
    if (encoded !== secret) masked = masked.split(encoded).join('***')
  }
  return masked
}
