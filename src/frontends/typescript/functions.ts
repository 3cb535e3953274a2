// Which function a node runs in, and what kind of function that is: per
// operation, once per object (constructor, lifecycle hook, effect), once per
// process (module level, `main`), or test code.
import type { SyntaxNode } from '../../parse/syntax.js';
import { DEFAULT_EXPORT, type EnclosingFunction } from '../../facts/types.js';
import { kids, shortText, siteOf } from '../shared/tree.js';
import type { FileScope } from './scope.js';
import { memberPath, unwrap } from './qualify.js';
import { CallSite } from './call-site.js';
import { singletonObjectOf } from './singleton-objects.js';
import { escapeRegExp, wordRegExp } from '../shared/regex.js';
import { isPrototypeConstructor } from './prototype-owners.js';
import { vocabularyOf } from '../../models/index.js';

export const FUNCTION_TYPES: ReadonlySet<string> = new Set([
  'function_declaration',
  'generator_function_declaration',
  'function_expression',
  'function',
  'generator_function',
  'arrow_function',
  'method_definition',
]);
export const CLASS_TYPES: ReadonlySet<string> = new Set(['class_declaration', 'abstract_class_declaration', 'class']);
export const LOOP_TYPES: ReadonlySet<string> = new Set(['for_statement', 'for_in_statement', 'while_statement', 'do_statement']);

/** Callbacks that run inside the call that receives them: part of the enclosing function. */
const INLINE_METHODS = /^(forEach|map|flatMap|filter|reduce|reduceRight|some|every|find|findIndex|findLast|findLastIndex|sort|then|catch|finally|call|apply)$/;
/**
 * Completion callbacks: called at most once per call of the code that passes them, so they
 * run as often as that code does (`client.connect(cb)`, `setTimeout(cb)`, `server.listen(port, cb)`).
 */
const ONCE_METHODS = /^(connect|once|listen|close|end|lookup|exec|execFile|readFile|writeFile|appendFile|stat|access|mkdir|rm|unlink|nextTick|setImmediate|setTimeout|queueMicrotask|resolve|run|transaction|serialize|init|initialize|initialise|ready|whenReady|waitUntilValid)$/;
/** Events that fire once per page, process or login (vocabulary data): their handlers run once, like their caller. */
const ONE_SHOT_EVENTS = new RegExp(`^['"\`](${(vocabularyOf('typescript').oneShotEvents ?? []).join('|') || '(?!)'})['"\`]$`);
const ONCE_FUNCTIONS = /^(\$|jQuery|setTimeout|setImmediate|queueMicrotask|exec|execFile|lookup|readFile|writeFile)$/;
/** Node-style `(err, result) => ..` callbacks complete an operation once. */
const ERROR_FIRST = /^(err|error|e|er|ex)$/;
/** The inline callbacks above that run once per element: a loop. */
const ELEMENT_METHODS = /^(forEach|map|flatMap|filter|reduce|reduceRight|some|every|find|findIndex|findLast|findLastIndex|sort)$/;

/** Names of functions that run once per object or process, not per operation. */
const CONSTRUCT_ONCE =
  /^(constructor|main|init|initialize|initialise|setup|setUp|bootstrap|build|create|open|connect|launch|install|register|load|configure|start|listen)$|^(init|initialize|initialise|setup|setUp|bootstrap|configure|install|register)[A-Z_]/;
/** Is a function of this name run once per object or process (a constructor-like set-up, a lifecycle hook)? */
export function runsOnceByName(name: string): boolean {
  return CONSTRUCT_ONCE.test(name) || LIFECYCLE.test(name);
}
/** Framework hooks that run once per component / module instance. */
const LIFECYCLE =
  /^(ngOnInit|ngAfterViewInit|ngAfterContentInit|componentDidMount|onModuleInit|onApplicationBootstrap|mounted|created|beforeMount|onMounted|connectedCallback|firstUpdated|onInit|activate|started|onload|onAdd|onAttach|UNSAFE_componentWillMount|componentWillMount)$/;
/** An object's own set-up methods besides its constructor and lifecycle hooks (`init`, `setupListeners`). */
const SETUP_NAMES = /^(init|initialize|initialise|setup|setUp)([A-Z_]|$)/;
/** Top-level functions that start the process or a module: they run once. */
const ENTRY_NAMES = /^(main|bootstrap|init|initialize|initialise|setup|start)$/;
/** The start-up of a module-level object of functions (`const UI = { start() {..} }`); not `setup`, which component objects run per instance. */
const SINGLETON_START = /^(main|bootstrap|init|initialize|initialise|start)$/;
/** React effect hooks: the callback runs per mounted component; its returned cleanup on unmount. */
const EFFECT_HOOKS = /^(React\.)?(useEffect|useLayoutEffect|useInsertionEffect|onMounted|onMount)$/;
/** A callee `EFFECT_HOOKS` accepts has one of these in its text, so the source has it too. */
const EFFECT_HOOK_WORDS = /useEffect|useLayoutEffect|useInsertionEffect|onMount/;

/** Can a function in `source` be an effect hook's callback? Without a hook's name in the text, none can. */
export function mayCallEffectHooks(source: string): boolean {
  return EFFECT_HOOK_WORDS.test(source);
}
/** Test-framework blocks. */
const TEST_BLOCKS = /^(describe|it|test|suite|context|specify|bench|beforeEach|afterEach|beforeAll|afterAll|before|after|fixture|Deno\.test)(\.[\w.]+)?$/;

export interface FunctionContext {
  /** The function whose body the node runs in (inline callbacks skipped); null at module level. */
  fn: SyntaxNode | null;
  /** The nearest class around it (`this` in an arrow function is the class's). */
  cls: SyntaxNode | null;
  /** The node sits in a loop of its function (or an element callback such as `forEach`). */
  inLoop: boolean;
  /** The node sits in a test block (`describe`, `it`, `beforeEach` ..). */
  inTest: boolean;
}

export const MODULE_CONTEXT: FunctionContext = { fn: null, cls: null, inLoop: false, inTest: false };

/** The context of a node's children, from the node and its own context (a top-down walk needs no parent lookups). */
/** `type`: the node's, when the caller has read it; `site`: a call's, when the caller keeps it. */
export function childContext(node: SyntaxNode, ctx: FunctionContext, type: string = node.type, site?: CallSite): FunctionContext {
  if (FUNCTION_TYPES.has(type)) {
    if (isInlineCallback(node, type)) return isElementCallback(node) && !ctx.inLoop ? { ...ctx, inLoop: true } : ctx;
    return { fn: node, cls: ctx.cls, inLoop: false, inTest: ctx.inTest };
  }
  if (CLASS_TYPES.has(type)) return { fn: null, cls: node, inLoop: false, inTest: ctx.inTest };
  if (LOOP_TYPES.has(type)) {
    if (ctx.inLoop) return ctx;
    // A loop the module body runs once, while it loads, and that ends (`for (let i = 0; i < COUNT; i++)`,
    // `for (const url of urls)`): what it starts is a fixed number of resources, not one per operation.
    if (!ctx.fn && !ctx.cls && endingLoop(node, type)) return ctx;
    return { ...ctx, inLoop: true };
  }
  if (type === 'call_expression' && !ctx.inTest && isTestBlock(site ?? new CallSite(node, type))) return { ...ctx, inTest: true };
  return ctx;
}

/** Is this function node an inline callback (array method, promise executor, `.then`, IIFE)? `type`: the node's, when known. */
export function isInlineCallback(fn: SyntaxNode, type: string = fn.type): boolean {
  if (type !== 'arrow_function' && type !== 'function_expression' && type !== 'function') return false;
  const parent = fn.parent;
  if (!parent) return false;
  const parentType = parent.type;
  if (invokingCall(fn, parent, parentType)) return true;
  if (parentType !== 'arguments') return false;
  const call = parent.parent;
  if (!call) return false;
  if (call.type === 'new_expression') return unwrap(call.childForFieldName('constructor') ?? call).text === 'Promise';
  const callee = call.childForFieldName('function');
  if (callee?.type === 'identifier') return ONCE_FUNCTIONS.test(callee.text) || errorFirst(fn);
  if (callee?.type !== 'member_expression') return false;
  const method = callee.childForFieldName('property')?.text ?? '';
  if (/^(addEventListener|on|addListener)$/.test(method) && firesOnce(call)) return true;
  return INLINE_METHODS.test(method) || ONCE_METHODS.test(method) || (errorFirst(fn) && !/^on|^add|Listener$|^subscribe$/.test(method));
}

/** The call that invokes a function expression at once (an IIFE: `(async () => { .. })()`), if it is one. */
function invokingCall(fn: SyntaxNode, parent: SyntaxNode, parentType: string): SyntaxNode | undefined {
  // Each step up is read once: it crosses into the parser.
  let up: SyntaxNode = fn;
  let above: SyntaxNode | null = parent;
  let aboveType: string | undefined = parentType;
  while (above && aboveType === 'parenthesized_expression') {
    up = above;
    above = up.parent;
    aboveType = above?.type;
  }
  return above && aboveType === 'call_expression' && above.childForFieldName('function')?.startIndex === up.startIndex ? above : undefined;
}

/**
 * Does this function run once, while the module loads? The module pattern
 * `RED.comms = (function () { var ws; .. })()`: an IIFE inside no other function.
 * Its variables then live as long as the process, like module variables.
 */
export function runsOnceAtLoad(fn: SyntaxNode): boolean {
  const type = fn.type;
  if (type !== 'arrow_function' && type !== 'function_expression' && type !== 'function') return false;
  const parent = fn.parent;
  if (!parent || !invokingCall(fn, parent, parent.type)) return false;
  for (let cur = parent.parent; cur; cur = cur.parent) if (FUNCTION_TYPES.has(cur.type)) return false;
  return true;
}

/**
 * A loop that ends by its own shape: a `for` with a condition (not `for (;;)` or `; true;`),
 * or a `for..of` / `for..in` over a collection (not `for await`, which reads a stream).
 */
function endingLoop(loop: SyntaxNode, type: string): boolean {
  if (type === 'for_statement') {
    const condition = loop.childForFieldName('condition');
    return !!condition && condition.type !== 'empty_statement' && condition.type !== 'true';
  }
  return type === 'for_in_statement' && loop.children[1]?.type !== 'await';
}

/** `addEventListener('DOMContentLoaded', fn)`, `el.addEventListener('x', fn, { once: true })`. */
export function firesOnce(call: SyntaxNode): boolean {
  const args = call.childForFieldName('arguments')?.namedChildren.filter((c): c is SyntaxNode => c !== null && c.type !== 'comment') ?? [];
  if (args[0] && ONE_SHOT_EVENTS.test(args[0].text)) return true;
  return onceOption(args[2]);
}

/** `{ once: true }` among a listener's options: it removes itself after its first event. */
export function onceOption(options: SyntaxNode | undefined): boolean {
  return options?.type === 'object' && /\bonce\s*:\s*true\b/.test(options.text);
}

/** The names of a function's parameters, in order (undefined for a destructuring pattern). */
export function positionalParameters(fn: SyntaxNode): (string | undefined)[] {
  const params = fn.childForFieldName('parameters') ?? fn.childForFieldName('parameter');
  if (!params) return [];
  if (params.type === 'identifier') return [params.text];
  return kids(params).map((p) => {
    const pattern = p.type === 'required_parameter' || p.type === 'optional_parameter' ? p.childForFieldName('pattern') : p;
    return pattern?.type === 'identifier' ? pattern.text : undefined;
  });
}

/** Does the function take an error first (`(err, value) => ..`), Node's callback convention? */
export function errorFirst(fn: SyntaxNode): boolean {
  const params = fn.childForFieldName('parameters');
  const first = params ? params.namedChildren.find((c) => c !== null && c.type !== 'comment') : fn.childForFieldName('parameter');
  if (!first) return false;
  const name = first.type === 'required_parameter' || first.type === 'optional_parameter' ? first.childForFieldName('pattern')?.text : first.text;
  return !!name && ERROR_FIRST.test(name);
}

function isElementCallback(fn: SyntaxNode): boolean {
  const parent = fn.parent;
  const call = parent?.type === 'arguments' ? parent.parent : null;
  const callee = call?.childForFieldName('function');
  return callee?.type === 'member_expression' && ELEMENT_METHODS.test(callee.childForFieldName('property')?.text ?? '');
}


/** The file being extracted (without extension): the name of an object a module exports whole, when it has no `name`. */
let objectOwnerFile = '<module object>';

/** Extraction is synchronous per file: set before each file, read while it is extracted. */
export function setObjectOwnerFile(pathWithoutExtension: string): void {
  objectOwnerFile = pathWithoutExtension;
}

export function className(cls: SyntaxNode): string {
  // `export default { name: 'poller', started() {..} }`: a component or service schema (see prototype-owners).
  if (cls.type === 'object') {
    const named = kids(cls).find((m) => m.type === 'pair' && m.childForFieldName('key')?.text.replace(/^['"]|['"]$/g, '') === 'name');
    const value = named?.childForFieldName('value');
    return value?.type === 'string' ? value.text.slice(1, -1) : objectOwnerFile;
  }
  const name = cls.childForFieldName('name')?.text;
  if (name) return name;
  // `const Foo = class { .. }`
  const decl = cls.parent;
  if (decl?.type === 'variable_declarator') return decl.childForFieldName('name')?.text ?? '<class>';
  // `sage.cron.Scheduler = function () {..}`: a namespace's prototype constructor (see prototype-owners).
  const left = decl?.type === 'assignment_expression' && cls.type !== 'class' ? decl.childForFieldName('left') : null;
  if (left?.type === 'member_expression' && !/^(module\.)?exports$/.test(left.text)) return memberPath(left)?.at(-1) ?? '<class>';
  return '<class>';
}

/** A readable name for any function node. */
export function functionName(fn: SyntaxNode): string {
  if (fn.type === 'method_definition') return methodName(fn);
  const own = fn.childForFieldName('name')?.text;
  if (own) return own;
  const parent = fn.parent;
  if (!parent) return '<closure>';
  switch (parent.type) {
    case 'variable_declarator':
      return parent.childForFieldName('name')?.text ?? '<closure>';
    // `export default function () {..}`: importers call it by whatever name they bind it to.
    case 'export_statement':
      return DEFAULT_EXPORT;
    case 'assignment_expression': {
      const left = parent.childForFieldName('left');
      if (left?.text === 'module.exports') return DEFAULT_EXPORT;
      const path = left ? memberPath(left) : undefined;
      return path?.at(-1) ?? left?.text ?? '<closure>';
    }
    case 'pair':
      return stripQuotes(parent.childForFieldName('key')?.text ?? '<closure>');
    case 'public_field_definition':
      return parent.childForFieldName('name')?.text ?? '<closure>';
    case 'arguments': {
      const call = parent.parent;
      const callee = call?.type === 'call_expression' ? call.childForFieldName('function') : call?.childForFieldName('constructor');
      if (!callee) return '<closure>';
      return `<${shortText(callee, 40)} callback>`;
    }
    default:
      return '<closure>';
  }
}

export function methodName(method: SyntaxNode): string {
  const name = method.childForFieldName('name');
  if (!name) return '<method>';
  if (name.type === 'computed_property_name') return `[${kids(name).map((k) => k.text).join('')}]`;
  return stripQuotes(name.text);
}

function stripQuotes(s: string): string {
  return s.replace(/^['"`]|['"`]$/g, '');
}

function effectHookOf(fn: SyntaxNode): boolean {
  const parent = fn.parent;
  if (parent?.type !== 'arguments') return false;
  const call = parent.parent;
  const callee = call?.type === 'call_expression' ? call.childForFieldName('function') : null;
  return !!callee && EFFECT_HOOKS.test(callee.text);
}

/** `describe(..)`, `it.only(..)`, `describe.each(table)(name, fn)`: a test-framework block. */
function isTestBlock(call: CallSite): boolean {
  if (call.calleeType === 'identifier') return TEST_BLOCKS.test(call.identifier!.replace(/\s+/g, ''));
  let callee = call.callee;
  let type = call.calleeType;
  while (type === 'call_expression') {
    callee = callee!.childForFieldName('function');
    type = callee?.type;
  }
  return !!callee && (type === 'identifier' || type === 'member_expression') && TEST_BLOCKS.test(callee.text.replace(/\s+/g, ''));
}

function isStatic(method: SyntaxNode): boolean {
  return method.children.some((c) => c?.type === 'static');
}

/** Static factory: `static async create(): Promise<Foo>` or one that returns `new Foo(..)`. */
function isFactory(method: SyntaxNode, owner: string): boolean {
  if (!isStatic(method)) return false;
  const ret = method.childForFieldName('return_type')?.text ?? '';
  if (wordRegExp(owner).test(ret)) return true;
  const body = method.childForFieldName('body')?.text ?? '';
  return new RegExp(`return\\s+new\\s+(${escapeRegExp(owner)}|this)\\b`).test(body);
}

/**
 * The handler of a command-line command declared at module level:
 * `program.command('start').action((opts) => { .. })`. The CLI runs one
 * command per process, so its handler runs once.
 */
function isCliAction(fn: SyntaxNode): boolean {
  const args = fn.parent;
  if (args?.type !== 'arguments') return false;
  const call = args.parent;
  if (call?.type !== 'call_expression' || !isCliActionCall(call)) return false;
  for (let up = call.parent; up; up = up.parent) {
    if (up.type === 'program') return true;
    if (FUNCTION_TYPES.has(up.type) || CLASS_TYPES.has(up.type)) return false;
  }
  return false;
}

const CLI = vocabularyOf('typescript').cliCommands;
const CLI_ACTION_METHODS: ReadonlySet<string> = new Set(CLI?.actionMethods ?? []);
const CLI_COMMAND_CALL = new RegExp(`\\.(${(CLI?.commandMethods ?? []).join('|') || '(?!)'})\\s*\\(`);

/** `program.command('start').action(..)` (commander; vocabulary data): the call giving a command its handler. */
export function isCliActionCall(call: SyntaxNode): boolean {
  const callee = call.childForFieldName('function');
  if (callee?.type !== 'member_expression' || !CLI_ACTION_METHODS.has(callee.childForFieldName('property')?.text ?? '')) return false;
  return CLI_COMMAND_CALL.test(callee.childForFieldName('object')?.text ?? '');
}

/**
 * `export function activate(context) {..}` (or `exports.activate = ..`): the activation hook a
 * host (a VS Code extension host, an editor's plugin loader) calls once when it loads the module.
 */
function isHostActivation(fn: SyntaxNode, name: string): boolean {
  if (name !== 'activate') return false;
  const parent = fn.parent;
  if (parent?.type === 'export_statement') return parent.parent?.type === 'program';
  if (parent?.type === 'assignment_expression') return /^(module\.)?exports\.activate$/.test(parent.childForFieldName('left')?.text ?? '') && parent.parent?.parent?.type === 'program';
  const declaration = parent?.type === 'variable_declarator' ? parent.parent : null;
  return declaration?.parent?.type === 'export_statement' && declaration.parent.parent?.type === 'program';
}

function isTopLevel(fn: SyntaxNode): boolean {
  // What holds the declaration (`fn`, or the declaration of its variable); each step up
  // is read once, as it crosses into the parser.
  let above = fn.parent;
  if (above?.type === 'variable_declarator') above = above.parent?.parent ?? null;
  if (above?.type === 'export_statement') above = above.parent;
  return above?.type === 'program';
}

export type Enclosing = EnclosingFunction & { context: FunctionContext };

/**
 * What the function in `context` is; `node` is the node inside it being judged.
 * `effectHooks`: `mayCallEffectHooks` of the file's source.
 */
export function describeFunction(node: SyntaxNode, context: FunctionContext, scope: FileScope, fileIsTest: boolean, effectHooks: boolean): Enclosing {
  const isTest = fileIsTest || context.inTest;
  const { fn, cls } = context;
  if (!fn) {
    // Module level, or a class field initialiser (runs per instance, like the constructor).
    if (cls && !isStaticMember(node)) {
      return { name: 'constructor', ownerType: className(cls), constructOnce: true, isEntryPoint: false, isConstructor: true, isTest, site: siteOf(cls), context };
    }
    return { name: '<module>', constructOnce: true, isEntryPoint: true, isTest, site: siteOf(node), context };
  }
  // The constructor function of a prototype-style owner (`function Pool() {..}`).
  const protoCtor = isPrototypeConstructor(fn, cls);
  const name = protoCtor ? 'constructor' : functionName(fn);
  const effect = effectHooks && effectHookOf(fn);
  const ownerType = cls ? className(cls) : effect ? componentName(fn) : undefined;
  // `main()`, a module's `init()`/`start()`, or a function the module calls while it loads: once per process.
  const entry = ((ENTRY_NAMES.test(name) || scope.moduleCalls.has(name)) && isTopLevel(fn)) || isCliAction(fn) || (SINGLETON_START.test(name) && singletonObjectOf(fn) !== undefined) || isHostActivation(fn, name);
  const constructOnce =
    entry ||
    CONSTRUCT_ONCE.test(name) ||
    LIFECYCLE.test(name) ||
    effect ||
    (fn.type === 'method_definition' && cls !== null && isFactory(fn, className(cls)));
  return {
    name: effect ? 'useEffect' : name,
    ...(ownerType ? { ownerType } : {}),
    constructOnce,
    isEntryPoint: entry,
    ...(cls && name === 'constructor' ? { isConstructor: true as const } : {}),
    ...(cls && (name === 'constructor' || LIFECYCLE.test(name) || SETUP_NAMES.test(name)) ? { isSetup: true as const } : {}),
    isTest,
    site: siteOf(fn),
    context,
  };
}

/** The component function an effect callback belongs to: `function Chat() { useEffect(() => ..) }` -> `Chat`. */
function componentName(effect: SyntaxNode): string | undefined {
  for (let cur = effect.parent; cur; cur = cur.parent) {
    if (FUNCTION_TYPES.has(cur.type) && !isInlineCallback(cur)) return functionName(cur);
  }
  return undefined;
}

function isStaticMember(node: SyntaxNode): boolean {
  for (let cur: SyntaxNode | null = node; cur && cur.type !== 'class_body'; cur = cur.parent) {
    if (cur.type === 'class_static_block') return true;
    if (cur.type === 'public_field_definition') return isStatic(cur);
  }
  return false;
}

/** The body node of a function (a statement block, or an expression for `x => expr`). */
export function bodyOf(fn: SyntaxNode): SyntaxNode | null {
  return fn.childForFieldName('body');
}

/** Parameter names of a function (identifiers in its patterns, parameter properties included). */
export function parameterNames(fn: SyntaxNode): Set<string> {
  const out = new Set<string>();
  const params = fn.childForFieldName('parameters') ?? fn.childForFieldName('parameter');
  if (!params) return out;
  if (params.type === 'identifier') {
    out.add(params.text);
    return out;
  }
  const stack = [params];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.type === 'identifier' || n.type === 'shorthand_property_identifier_pattern') out.add(n.text);
    for (const k of kids(n)) {
      // Skip type annotations and default values' right-hand sides.
      if (k.type === 'type_annotation') continue;
      if (n.type === 'assignment_pattern' && n.childForFieldName('right')?.startIndex === k.startIndex) continue;
      if (n.type === 'required_parameter' || n.type === 'optional_parameter') {
        if (n.childForFieldName('value')?.startIndex === k.startIndex) continue;
      }
      stack.push(k);
    }
  }
  return out;
}

/** Is the function declared `async`? */
export function isAsync(fn: SyntaxNode): boolean {
  return fn.children.some((c) => c?.type === 'async');
}
