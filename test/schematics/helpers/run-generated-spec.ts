import * as ts from 'typescript';
import * as lib from '../../../lib';

type Callback = () => unknown;

/** What a spec registers through the stand-ins of Jest's globals. */
interface Registered {
  readonly tests: Array<{ name: string; run: Callback }>;
  readonly beforeEach: Callback[];
  readonly afterEach: Callback[];
}

/** Transpiles a generated TypeScript file to CommonJS, decorators and their metadata included. */
function transpile(fileName: string, source: string): string {
  const output = ts.transpileModule(source, {
    fileName,
    reportDiagnostics: true,
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
      esModuleInterop: true,
    },
  });
  if (output.diagnostics?.length) {
    throw new Error(`${fileName} does not compile: ${ts.flattenDiagnosticMessageText(output.diagnostics[0].messageText, '\n')}`);
  }
  return output.outputText;
}

/**
 * Runs a generated spec as written: the spec and the modules it imports relatively (by
 * specifier, e.g. `./20261126094512-backfill-user-slugs.task`) are transpiled to CommonJS and
 * evaluated in this test's realm, `after-party` is the library's source, any other import is
 * an installed package. `describe`, `it`, `beforeEach` and `afterEach` are stand-ins that
 * collect the spec's tests (at one level, as generated specs have them); each then runs
 * between the hooks, with Jest's own `expect`.
 *
 * @returns the names of the tests that ran; a failing one throws.
 */
export async function runGeneratedSpec(spec: string, modules: Record<string, string>): Promise<string[]> {
  const registered: Registered = { tests: [], beforeEach: [], afterEach: [] };
  const loaded = new Map<string, unknown>();
  const load = (specifier: string): unknown => {
    if (specifier === 'after-party') return lib;
    if (!(specifier in modules)) return require(specifier);
    if (!loaded.has(specifier)) {
      const exports = {};
      loaded.set(specifier, exports);
      evaluate(transpile(`${specifier}.ts`, modules[specifier]), { exports, require: load });
    }
    return loaded.get(specifier);
  };
  evaluate(transpile('generated.spec.ts', spec), {
    exports: {},
    require: load,
    describe: (_name: string, body: Callback) => body(),
    it: (name: string, run: Callback) => registered.tests.push({ name, run }),
    beforeEach: (hook: Callback) => registered.beforeEach.push(hook),
    afterEach: (hook: Callback) => registered.afterEach.push(hook),
    expect,
  });

  for (const test of registered.tests) {
    try {
      for (const hook of registered.beforeEach) await hook();
      await test.run();
    } finally {
      for (const hook of registered.afterEach) await hook();
    }
  }
  return registered.tests.map((test) => test.name);
}

/** Evaluates CommonJS code with the given module-scope variables. */
function evaluate(code: string, scope: Record<string, unknown>): void {
  const names = Object.keys(scope);
  new Function(...names, code)(...names.map((name) => scope[name]));
}
