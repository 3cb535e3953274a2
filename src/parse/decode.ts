// Bytes -> source text. Binary files are refused; UTF-16 and BOMs are handled;
// invalid UTF-8 is replaced (U+FFFD) and noted, never fatal. Lone CR line
// endings (old Mac) become LF, same length, so grammars and line numbers agree.

export type Decoded = { ok: true; text: string; note?: string } | { ok: false; reason: string };

function withLineFeeds(decoded: Decoded): Decoded {
  if (!decoded.ok || !decoded.text.includes('\r')) return decoded;
  return { ...decoded, text: decoded.text.replace(/\r(?!\n)/g, '\n') };
}

/** Why these bytes are not source text (decodeSource would refuse them), or undefined. Looks at the head only. */
export function refusal(bytes: Uint8Array): string | undefined {
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) return undefined;
  return bytes.subarray(0, 8192).includes(0) ? 'binary file (NUL bytes)' : undefined;
}

export function decodeSource(bytes: Uint8Array): Decoded {
  return withLineFeeds(decodeBytes(bytes));
}

function decodeBytes(bytes: Uint8Array): Decoded {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) {
    return { ok: true, text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), note: 'UTF-16LE file decoded' };
  }
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) {
    return { ok: true, text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), note: 'UTF-16BE file decoded' };
  }
  const head = bytes.subarray(0, 8192);
  if (head.includes(0)) return { ok: false, reason: 'binary file (NUL bytes)' };
  const body = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(body) };
  } catch {
    return { ok: true, text: new TextDecoder('utf-8').decode(body), note: 'invalid UTF-8 replaced with U+FFFD' };
  }
}
