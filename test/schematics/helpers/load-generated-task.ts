import 'reflect-metadata';
import * as ts from 'typescript';
import * as vm from 'node:vm';
import { AFTER_PARTY_TASK_METADATA } from '../../../lib/config/after-party.constants';
import { AfterPartyTask } from '../../../lib/decorators/after-party-task.decorator';
import type { TaskCandidate } from '../../../lib/discovery/task-candidate.interface';
import type { AfterPartyTaskOptions } from '../../../lib/interfaces/task-options.interface';

/** The only module a generated task file imports at runtime. */
const GENERATED_IMPORTS: Record<string, unknown> = { 'after-party': { AfterPartyTask } };

/**
 * Compiles and evaluates a generated task file against the library's real
 * decorator, and returns what the explorer would find for it: the exported
 * class's name and the options its `@AfterPartyTask()` recorded.
 *
 * @throws Error when the file does not transpile, imports something else, or
 * exports no decorated class.
 */
export function loadGeneratedTask(fileName: string, source: string): TaskCandidate {
  const output = ts.transpileModule(source, {
    fileName,
    reportDiagnostics: true,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, experimentalDecorators: true },
  });
  if (output.diagnostics?.length) {
    throw new Error(`${fileName} does not compile: ${ts.flattenDiagnosticMessageText(output.diagnostics[0].messageText, '\n')}`);
  }
  const exports: Record<string, unknown> = {};
  const load = (id: string): unknown => {
    if (!(id in GENERATED_IMPORTS)) throw new Error(`${fileName} imports ${id}, which the test does not provide`);
    return GENERATED_IMPORTS[id];
  };
  vm.runInThisContext(`(function (exports, require) {\n${output.outputText}\n})`, { filename: fileName })(exports, load);

  const taskClass = Object.values(exports).find(
    (value): value is new () => unknown => typeof value === 'function' && Reflect.hasMetadata(AFTER_PARTY_TASK_METADATA, value),
  );
  if (!taskClass) throw new Error(`${fileName} exports no @AfterPartyTask() class`);
  const options = Reflect.getMetadata(AFTER_PARTY_TASK_METADATA, taskClass) as AfterPartyTaskOptions;
  return { className: taskClass.name, options, instance: new taskClass(), scope: 'static' };
}
