// The units that own handles in fields, and the release calls that let them go (part of the fact model, see types.ts).

import type { Site } from './types.js';

/** A release call: abort / stop / close / clearInterval / off / drop. */
export interface Release {
  api: string;
  /** What is released: a field of the owner, a local, or an expression. */
  /**
   * `path`: the chain of fields written from the owner on (`self.inner.child.kill()`: `inner`, `child`),
   * when it goes deeper than the field: the release acts on a field of what the field holds.
   */
  target: { kind: 'field'; field: string; path?: string[] } | { kind: 'local'; name: string } | { kind: 'other'; text: string };
  /** The event a listener removal names (`off('close', h)`): it removes only listeners for that event. */
  event?: string;
  /** Its method returns before it when a flag of the owner is set (`if (this.noDebug) return;`, line): it releases nothing in that mode. */
  skippedWhen?: { flag: string; line: number };
  site: Site;
  fn: { name: string; ownerType?: string };
}

export interface OwnerMethod {
  name: string;
  /** Drop / close / shutdown / stop / dispose / destroy ...: runs when the owner goes away. */
  teardown: boolean;
  site: Site;
}

/** A struct/class/impl: the unit that can own handles in fields and release them. */
export interface Owner {
  name: string;
  site: Site;
  fields: { name: string; type?: string }[];
  methods: OwnerMethod[];
  /** Implements the language's drop/dispose protocol (Rust `impl Drop`, `[Symbol.dispose]`). */
  hasDropImpl: boolean;
  /**
   * The class's decorators as written (`@Injectable({ providedIn: 'root' })`): the imported name,
   * the module it comes from when the file imports it, and the decorator's text (cut at 200).
   */
  decorators?: { name: string; module?: string; text: string; line: number }[];
  /** The classes it extends, by their last name (`class A(mod.Base)`, `class A extends Base`): an instance of it is one of theirs. */
  bases?: string[];
  /**
   * Other names its file binds to the class itself at module level (`WSGIMiddleware = _WSGIMiddleware`,
   * a fallback in `except ImportError:`): constructing one of them constructs this class.
   */
  aliases?: string[];
}
