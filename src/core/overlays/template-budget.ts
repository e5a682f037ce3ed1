/**
 * Limits on what one render of an overlay template may cost. nunjucks runs
 * a template in this process (no worker, no time limit), so a loop of a
 * billion items, nested loops or a text of hundreds of MiB would stall or
 * kill every command that renders, `serve` included. Rendering is
 * synchronous: one counter, reset by startRender() before each render,
 * counts what that render has spent. The runtime functions that compiled
 * templates call are wrapped once for the process, when nunjucks is loaded
 * (see trackRuntimeLines for why an error thrown here names its line).
 */
import type nunjucksModule from 'nunjucks';

/** Items `range` may make in one call. */
export const MAX_RANGE_ITEMS = 100_000;
/** Loop iterations (counted when a loop starts), function and macro calls in one render: nunjucks takes some microseconds per iteration, so about a second at most. */
export const MAX_STEPS = 250_000;
/** Text one render may produce, in characters (UTF-8 bytes are checked at the end), and the widest `center`/`indent`. */
export const MAX_OUTPUT = 16 * 1024 * 1024;
const MIB = MAX_OUTPUT / (1024 * 1024);

/** The internals of nunjucks' runtime wrapped here, not in @types/nunjucks. */
interface Runtime {
  fromIterator(value: unknown): unknown;
  suppressValue(value: unknown, autoescape: unknown): unknown;
  callWrap(fn: unknown, name: unknown, context: unknown, args: unknown): unknown;
  memberLookup(object: unknown, key: unknown): unknown;
  makeMacro(argNames: unknown, kwargNames: unknown, fn: unknown): (...args: unknown[]) => unknown;
  overlayOutput?: (length: number) => void;
}
export interface BudgetInternals {
  runtime: Runtime;
  compiler: { Compiler: { prototype: Record<string, unknown> } };
}

let steps = 0;
let written = 0;

/** Resets the counters: called at the start of each render. */
export function startRender(): void {
  steps = 0;
  written = 0;
}

function spend(count: number): void {
  steps += count;
  if (steps > MAX_STEPS) throw new Error(`the template loops or calls more than ${MAX_STEPS.toLocaleString('en')} times in one render (nested loops?)`);
}

const tooLong = (): Error => new Error(`the rendered text is over ${MIB} MiB`);

function write(length: number): void {
  written += length;
  if (written > MAX_OUTPUT) throw tooLong();
}

function lengthOf(value: unknown): number {
  if (typeof value === 'string') return value.length;
  return value instanceof String ? value.length : 0;
}

/** A call's result: a text over the output limit is refused as soon as it is made. */
function checked(result: unknown): unknown {
  if (lengthOf(result) > MAX_OUTPUT) throw tooLong();
  return result;
}

function items(value: unknown): number {
  if (typeof value === 'string' || Array.isArray(value)) return value.length;
  return typeof value === 'object' && value !== null ? Object.keys(value).length : 0;
}

/** `range` that refuses more than MAX_RANGE_ITEMS items (nunjucks' own would build any array). */
function guardedRange(original: (...args: unknown[]) => unknown) {
  return (start: unknown, stop?: unknown, step?: unknown): unknown => {
    const [from, to, by] = stop === undefined ? [0, Number(start), 1] : [Number(start), Number(stop), Number(step) || 1];
    const count = Math.ceil((by > 0 ? to - from : from - to) / Math.abs(by));
    if (count > MAX_RANGE_ITEMS) throw new Error(`range() of ${Number.isFinite(count) ? count.toLocaleString('en') : 'endless'} items, over the ${MAX_RANGE_ITEMS.toLocaleString('en')} allowed`);
    return original(start, stop, step);
  };
}

/** A filter whose size argument may not exceed MAX_FILTER_SIZE (`"" | center(1e9)` makes a GiB from nothing, `slice(1e9)` a billion lists). */
function widthGuard(name: string, filter: (...args: unknown[]) => unknown) {
  return function (this: unknown, value: unknown, width: unknown, ...rest: unknown[]): unknown {
    if (Number(width) > MAX_FILTER_SIZE) throw new Error(`${name}(${String(width)}) is over the ${MAX_FILTER_SIZE.toLocaleString('en')} allowed`);
    return filter.call(this, value, width, ...rest);
  };
}

/**
 * Installs the limits on nunjucks' runtime and compiler (once, before any
 * template is compiled) and on `environment` (its `range`, its filters).
 */
export function installBudget(library: BudgetInternals, environment: nunjucksModule.Environment): void {
  const { runtime } = library;
  // Every `for` loop passes its sequence through fromIterator before iterating it.
  const fromIterator = runtime.fromIterator.bind(runtime);
  runtime.fromIterator = (value) => {
    const sequence = fromIterator(value);
    spend(items(sequence));
    return sequence;
  };
  const callWrap = runtime.callWrap.bind(runtime);
  runtime.callWrap = (fn, name, context, args) => {
    spend(1);
    return checked(callWrap(fn, name, context, args));
  };
  // A method (`"x".repeat(n)`) may also be called by another (`list.map(...)`), not through callWrap.
  const memberLookup = runtime.memberLookup.bind(runtime);
  runtime.memberLookup = (object, key) => {
    // These turn a text into a regular expression: one call may take exponential time (see guardExpressions).
    if (typeof object === 'string' && PATTERN_METHODS.has(String(key))) throw new Error(`"${String(key)}" cannot be called in an overlay template: it reads its argument as a regular expression`);
    const value = memberLookup(object, key);
    if (typeof value !== 'function') return value;
    return (...args: unknown[]) => {
      // Charged for the text or list it works on, before the work: `s.split("")` of 16 MiB would build 16 million items first.
      spend(1 + Math.floor(items(object) / ITEMS_PER_METHOD_STEP));
      if (args.some((arg) => typeof arg === 'number' && arg > MAX_RANGE_ITEMS * 10)) throw new Error(`${String(key)}(${args.map(String).join(', ').slice(0, 40)}) asks for more than ${(MAX_RANGE_ITEMS * 10).toLocaleString('en')} characters or items`);
      return checked((value as (...a: unknown[]) => unknown)(...args));
    };
  };
  const makeMacro = runtime.makeMacro.bind(runtime);
  runtime.makeMacro = (argNames, kwargNames, fn) => {
    const macro = makeMacro(argNames, kwargNames, fn);
    return function (this: unknown, ...args: unknown[]) {
      spend(1);
      return macro.apply(this, args);
    };
  };
  // Printed values, and (below) the literal text between tags, count towards the output limit as they are added.
  const suppressValue = runtime.suppressValue.bind(runtime);
  runtime.suppressValue = (value, autoescape) => {
    const text = suppressValue(value, autoescape);
    write(lengthOf(text));
    return text;
  };
  runtime.overlayOutput = write;
  const prototype = library.compiler.Compiler.prototype;
  const compileOutput = prototype.compileOutput as ((this: { _emitLine(code: string): void }, node: OutputNode, frame: unknown) => void) | undefined;
  if (typeof compileOutput !== 'function') throw new Error('nunjucks has no Compiler.compileOutput: its output changed');
  prototype.compileOutput = function (this: { _emitLine(code: string): void }, node: OutputNode, frame: unknown) {
    const literal = node.children.reduce((sum, child) => sum + (child.typename === 'TemplateData' && typeof child.value === 'string' ? child.value.length : 0), 0);
    if (literal > 0) this._emitLine(`lineno = ${node.lineno}; colno = ${node.colno}; runtime.overlayOutput(${literal});`);
    compileOutput.call(this, node, frame);
  };
  environment.addGlobal('range', guardedRange(environment.getGlobal('range') as (...args: unknown[]) => unknown));
  for (const name of ['center', 'indent', 'slice', 'batch']) {
    environment.addFilter(name, widthGuard(name, environment.getFilter(name) as (...args: unknown[]) => unknown));
  }
  const striptags = environment.getFilter('striptags') as (...args: unknown[]) => unknown;
  environment.addFilter('striptags', function (this: unknown, value: unknown, ...rest: unknown[]) {
    if (lengthOf(value) > MAX_STRIPTAGS_INPUT) throw new Error(`striptags of ${lengthOf(value).toLocaleString('en')} characters, over the ${MAX_STRIPTAGS_INPUT.toLocaleString('en')} allowed`);
    return striptags.call(this, value, ...rest);
  });
  guardExpressions(library);
  for (const [name, filter] of Object.entries((environment as unknown as { filters: Record<string, (...args: unknown[]) => unknown> }).filters)) {
    environment.addFilter(name, chargedFilter(filter));
  }
}

/** Items of a filter's input charged as one step: `s | list | sort` over a long text costs its length, not one call. */
const ITEMS_PER_STEP = 100;
/** The same for a method called on a text or list; dearer, since a method's work is not known (`split`, `sort`). */
const ITEMS_PER_METHOD_STEP = 10;
const PATTERN_METHODS = new Set(['match', 'matchAll', 'search']);
/** Filters whose number argument sizes their result (`center(1e9)`, `slice(1e9)`): refused past this. */
const MAX_FILTER_SIZE = 100_000;
/** striptags takes time growing with the square of its input's length. */
const MAX_STRIPTAGS_INPUT = 64 * 1024;

/** `filter` charged for the size of its input, its result held to the output limit. */
function chargedFilter(filter: (...args: unknown[]) => unknown) {
  return function (this: unknown, ...args: unknown[]): unknown {
    spend(1 + Math.floor(items(args[0]) / ITEMS_PER_STEP));
    const result = filter.apply(this, args);
    if (Array.isArray(result) && result.length > MAX_OUTPUT) throw tooLong();
    return checked(result);
  };
}

type Emitting = { _emit(code: string): void; compile(node: unknown, frame: unknown): void; fail(message: string, lineno?: number, colno?: number): never };
interface ExpressionNode { value?: unknown; left: unknown; right: unknown; lineno: number; colno: number }

/**
 * Refuses regular expression literals (`r/(a+)+$/`: a pattern may take
 * exponential time on a short text, and no count stops it), and sends `~` and
 * `+` through the runtime so that a text doubled in a loop is refused once
 * it passes the output limit rather than when memory runs out.
 */
function guardExpressions(library: BudgetInternals): void {
  const prototype = library.compiler.Compiler.prototype;
  const compileLiteral = prototype.compileLiteral as ((this: Emitting, node: ExpressionNode, frame: unknown) => void) | undefined;
  if (typeof compileLiteral !== 'function') throw new Error('nunjucks has no Compiler.compileLiteral: its literals changed');
  prototype.compileLiteral = function (this: Emitting, node: ExpressionNode, frame: unknown) {
    if (node.value instanceof RegExp) this.fail('regular expressions (r/.../) are not available in overlay templates: use the replace filter with a plain text', node.lineno, node.colno);
    compileLiteral.call(this, node, frame);
  };
  for (const [method, helper] of [['compileConcat', 'overlayConcat'], ['compileAdd', 'overlayAdd']] as const) {
    prototype[method] = function (this: Emitting, node: ExpressionNode, frame: unknown) {
      this._emit(`runtime.${helper}(`);
      this.compile(node.left, frame);
      this._emit(', ');
      this.compile(node.right, frame);
      this._emit(')');
    };
  }
  const runtime = library.runtime as unknown as Record<string, (a: unknown, b: unknown) => unknown>;
  runtime.overlayConcat = (a, b) => checked(`${String(a)}${String(b)}`);
  runtime.overlayAdd = (a, b) => checked((a as number) + (b as number));
}

interface OutputNode { lineno: number; colno: number; children: { typename?: string; value?: unknown }[] }
