// Everything a frontend reports about one file: the unit the cache stores and the analysis joins (part of the fact model, see types.ts).

import type { Language, LoopingFunction, Acquisition } from './types.js';
import type { Release, Owner } from './owners.js';
import type { CallFact, HelperCall, ModuleInstance } from './calls.js';

/** One API use counted for the methodology section (exact counts, code only). */
export interface ApiUse {
  /** Counting key, e.g. `tokio::spawn`, `JoinHandle`, `Connection::open`, `subscribe`. */
  api: string;
  line: number;
  isTest: boolean;
}

export interface FileFacts {
  /** Path relative to the audit root, with forward slashes. */
  path: string;
  language: Language;
  lineCount: number;
  /** The whole file is test code (tests/ dir, *_test, *.test.ts, benches). */
  isTestFile: boolean;
  acquisitions: Acquisition[];
  releases: Release[];
  owners: Owner[];
  loopingFunctions: LoopingFunction[];
  /**
   * Methods whose result says the caller won an atomic exchange on a flag of their receiver
   * (`self.running.compare_exchange(false, true, ..).is_ok()`, `!self.started.swap(true, ..)`): while
   * the flag holds, one caller gets `true`, so what a caller guards with it starts once per receiver.
   */
  onceGates?: { name: string; ownerType: string; flag: string; line: number }[];
  /** Calls to named functions from production code, one per (callee, caller) pair. */
  calls: CallFact[];
  /**
   * Calls of a function another file of the project exports (`db.connect()` after `const db =
   * require('./db')`, `makeClient()` imported from `./clients`), each with what the caller does with
   * its result. When the project shows that function handing back a resource it opens on every call,
   * the call is an acquisition (see analysis/helper-calls.ts).
   */
  helperCalls?: HelperCall[];
  /**
   * `new Session(..)` of a class of this project (imported by relative path, or declared in the file)
   * whose object is dropped or left unreleased in a local: `callee` is the class, `calleeFile` its
   * file. Whether the class is itself a resource is the analysis's join (analysis/resource-types.ts).
   */
  constructions?: HelperCall[];
  /** Instances the module makes at module level and exports (see `ModuleInstance`). */
  moduleInstances?: ModuleInstance[];

  uses: ApiUse[];
  /** Library roots the file imports (`tokio`, `rusqlite`, `pg`). */
  imports: string[];
  /**
   * Calls that take entries out of an owner's field, or replace it whole (`self.tasks.remove(&id)`,
   * `.clear()`, `.drain(..)`, `.retain(..)`, `mem::take(&mut self.tasks)`, `self.tasks = ..`).
   */
  fieldShrinks?: { ownerType: string; field: string; line: number; how: string }[];
  /**
   * Types declared by dispatchers whose `on` this file rebinds onto other objects (d3:
   * `utilRebind(this, d3_dispatch('loaded'), 'on')`): their `on` sets one callback per type and name.
   */
  reboundListenerTypes?: string[];
  /**
   * A method assigning a guard flag of its object anything but `true` (`hide() { this.visible = false; .. }`,
   * `this.visible = !this.visible`; not in a constructor): a run-once guard on that field
   * (`if (this.visible) return; this.visible = true`) may let what it guards run again after this method.
   */
  flagResets?: { ownerType: string; flag: string; fn: string; line: number }[];
  /** Parse problems: the file was parsed partially. */
  parseErrors: number;
  /** Inline suppressions found in comments: line -> rule ids and reason. */
  suppressions: Suppression[];
}

export interface Suppression {
  /** The line the suppression applies to (the comment's line, or the next code line). */
  line: number;
  commentLine: number;
  ruleIds: string[];
  reason: string;
}
