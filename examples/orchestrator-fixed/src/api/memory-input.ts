// Validation of POST /memories bodies.
import { BadRequest } from './http-json.js';

const MAX_CONTENT_CHARS = 64 * 1024;
const MAX_DIMENSIONS = 4096;

export interface MemoryInput {
  content: string;
  namespace: string;
  embedding: Float32Array;
}

export function parseMemoryInput(body: unknown): MemoryInput {
  if (typeof body !== 'object' || body === null) throw new BadRequest('expected a JSON object');
  const { content, namespace = 'default', embedding } = body as Record<string, unknown>;
  if (typeof content !== 'string' || content.length === 0 || content.length > MAX_CONTENT_CHARS) {
    throw new BadRequest(`"content" must be a non-empty string of at most ${MAX_CONTENT_CHARS} characters`);
  }
  if (typeof namespace !== 'string' || namespace.length === 0) throw new BadRequest('"namespace" must be a non-empty string');
  if (
    !Array.isArray(embedding) ||
    embedding.length === 0 ||
    embedding.length > MAX_DIMENSIONS ||
    !embedding.every((x) => typeof x === 'number' && Number.isFinite(x))
  ) {
    throw new BadRequest(`"embedding" must be an array of 1 to ${MAX_DIMENSIONS} finite numbers`);
  }
  return { content, namespace, embedding: Float32Array.from(embedding as number[]) };
}
