// What a listener is attached to, and how long that object lives (part of the fact model, see types.ts).

/** How long the object a listener is attached to lives, as far as the frontend can tell. */
export type SourceLifetime =
  | 'global' // a process-wide object: the process, the window, the document
  | 'module' // a module-level variable: lives as long as the process
  | 'imported' // a binding imported from another module: a shared singleton
  | 'endless' // a source that never completes (an interval observable)
  | 'injected' // handed to the owner from outside (constructor parameter, injected field)
  | 'found' // an object that already existed, found by a lookup (a DOM query): it lives in the page, maybe longer than the listener's owner
  | 'connection' // the connection under a request (`req.socket`): keep-alive shares it among many requests
  | 'owned' // created by the owner itself: dies with it
  | 'self' // the object whose method adds the listener (`this.once(..)` outside the constructor): it outlives each call
  | 'parameter' // a parameter of a function that is not a constructor: unknown
  | 'local' // created in the same function: dies with it
  | 'unknown';

export interface ListenerSource {
  /** The emitter / observable as written: `process`, `this.bus`, `emitter`. */
  text: string;
  lifetime: SourceLifetime;
  /** The event name, when it is a literal. */
  event?: string;
  /** An `injected` source that is the constructor's parameter at this position: whoever constructs the owner decides how long it lives. */
  parameter?: number;
  /**
   * The type of `event` (`loaded` of `loaded.ui`), when this `on` could be a dispatcher's whose
   * `on` the project rebinds onto its objects (d3's `utilRebind(this, dispatch, 'on')`): that `on`
   * keeps one callback per type and name. Kept only if a file declares the type (`FileFacts.reboundListenerTypes`).
   */
  rebindableType?: string;
}
