/**
 * Templates of overlays (`.j2` files), rendered with nunjucks (Jinja2 syntax).
 * Autoescaping is off (these are configuration files, not HTML) and an
 * undefined value printed is an error, so a missing variable refuses the
 * render instead of writing an empty address. The environment has no
 * loader at all: `include`, `import`, `from` and `extends` fail, so a
 * template reads nothing but its context (see docs/overlays.md).
 *
 * A template that reads neither `node` nor `image` gives the same text for
 * every node of one render (`/etc/hosts` from the inventory): its first
 * output is kept and reused, which keeps a render of 10,000 nodes linear.
 */
import type nunjucksModule from 'nunjucks';
import { UsageError } from '../../errors/index.js';
import type { TemplateContext } from './context.js';
import type { SourceFile } from './sources.js';

/**
 * Properties no template may read. Through them a template reaches the
 * Function constructor (`''.constructor.constructor('...')()`) and so runs any
 * code as root: nunjucks is not a sandbox. Every `a.b` and `a["b"]` of a
 * compiled template goes through the runtime's `memberLookup`, checked here
 * once for the whole process (the runtime object is shared by every nunjucks
 * template, and only overlays use nunjucks).
 */
const FORBIDDEN_MEMBERS = new Set(['constructor', '__proto__', 'prototype', '__defineGetter__', '__defineSetter__', '__lookupGetter__', '__lookupSetter__']);
interface NunjucksRuntime {
  memberLookup(object: unknown, key: unknown): unknown;
  contextOrFrameLookup(context: unknown, frame: unknown, name: string): unknown;
}
const forbidden = (key: unknown): Error => new Error(`"${String(key)}" cannot be read in an overlay template`);

/** Guards the runtime's two lookups (see FORBIDDEN_MEMBERS). */
function guardRuntime(runtime: NunjucksRuntime): void {
  const memberLookup = runtime.memberLookup.bind(runtime);
  runtime.memberLookup = (object, key) => {
    if (FORBIDDEN_MEMBERS.has(String(key))) throw forbidden(key);
    return memberLookup(object, key);
  };
  // A bare `constructor` is looked up in the context's plain objects: Object itself, whose helpers reach Function.
  const contextLookup = runtime.contextOrFrameLookup.bind(runtime);
  runtime.contextOrFrameLookup = (context, frame, name) => {
    if (FORBIDDEN_MEMBERS.has(name)) throw forbidden(name);
    return contextLookup(context, frame, name);
  };
}

interface Nunjucks {
  library: typeof nunjucksModule;
  environment: nunjucksModule.Environment;
}
let nunjucks: Nunjucks | undefined;

/**
 * nunjucks with its runtime guarded, loaded when the first template is
 * compiled rather than when the CLI starts (most commands render nothing):
 * in the bundle it is a chunk of its own, one file to read instead of its
 * twenty modules resolved one by one from node_modules. The guard is
 * installed before any template exists.
 */
async function loadNunjucks(): Promise<Nunjucks> {
  if (nunjucks) return nunjucks;
  const { default: library } = await import('nunjucks');
  // Another compile may have loaded it meanwhile: one environment, one guard.
  if (nunjucks) return nunjucks;
  guardRuntime((library as unknown as { runtime: NunjucksRuntime }).runtime);
  nunjucks = { library, environment: new library.Environment([], { autoescape: false, throwOnUndefined: true }) };
  return nunjucks;
}

/** Turns a nunjucks error into the one-line E_OVERLAY_TEMPLATE. */
function templateError(overlay: string, file: SourceFile, error: unknown): UsageError {
  const message = error instanceof Error ? error.message : String(error);
  const located = /\[Line (\d+), Column \d+\]\s*\n([\s\S]*)$/.exec(message);
  const lines = (located?.[2] ?? message).split('\n').map((line) => line.trim()).filter(Boolean);
  let detail = (lines.at(-1) ?? 'error').replace(/^Error: /, '');
  if (/attempted to output null or undefined value/.test(detail)) detail = 'a variable or attribute printed is undefined (or null)';
  if (/template not found/.test(detail)) detail = 'include, import and extends are not available in overlay templates';
  const where = located ? `, line ${located[1]}` : '';
  return new UsageError('E_OVERLAY_TEMPLATE', `overlay ${overlay}, file ${file.sourcePath}${where}: ${detail}`,
    'fix the template (docs/overlays.md lists the variables it can use; `default(...)` gives a value to an optional one)');
}

/** Wraps `value` so that reading any of its properties sets `touched.value`. */
function watched<T extends object>(value: T, touched: { value: boolean }): T {
  return new Proxy(value, {
    get(target, key, receiver) {
      touched.value = true;
      return Reflect.get(target, key, receiver) as unknown;
    },
    has(target, key) {
      touched.value = true;
      return Reflect.has(target, key);
    },
  });
}

/** One template of one overlay, compiled once per render session. */
export class OverlayTemplate {
  private readonly template: nunjucksModule.Template;
  /** Whether the output depends on the node; undefined until the first render. */
  private perNode: boolean | undefined;
  private shared: Buffer | undefined;

  /**
   * Compiles `file` of `overlay` (the first call loads nunjucks).
   * @throws UsageError E_OVERLAY_TEMPLATE on a syntax error.
   */
  static async compile(overlay: string, file: SourceFile): Promise<OverlayTemplate> {
    return new OverlayTemplate(overlay, file, await loadNunjucks());
  }

  private constructor(private readonly overlay: string, private readonly file: SourceFile, { library, environment }: Nunjucks) {
    try {
      this.template = new library.Template((file.data ?? Buffer.alloc(0)).toString('utf8'), environment, file.sourcePath, true);
    } catch (error) {
      throw templateError(overlay, file, error);
    }
  }

  /**
   * The text for one node, as bytes.
   * @throws UsageError E_OVERLAY_TEMPLATE (undefined value, bad call...).
   */
  render(context: TemplateContext): Buffer {
    if (this.perNode === false) return this.shared as Buffer;
    if (this.perNode === true) return this.run(context);
    const touched = { value: false };
    const output = this.run({ ...context, node: watched(context.node, touched), image: context.image && watched(context.image, touched) });
    this.perNode = touched.value;
    if (!touched.value) this.shared = output;
    return output;
  }

  private run(context: TemplateContext): Buffer {
    try {
      return Buffer.from(this.template.render(context as unknown as object), 'utf8');
    } catch (error) {
      throw templateError(this.overlay, this.file, error);
    }
  }
}
