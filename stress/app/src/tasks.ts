import { Inject, type Type } from '@nestjs/common';
import { AfterPartyTask, type DeployTask, type TaskContext } from 'after-party';
import { setTimeout as sleep } from 'node:timers/promises';
import { EffectsWriter } from './effects';
import { taskVersion } from './versions';

/** What every stress task does: wait a little (so runners overlap), then write its effect. */
abstract class StressTask implements DeployTask {
  constructor(@Inject(EffectsWriter) private readonly effects: EffectsWriter) {}

  async run(ctx: TaskContext): Promise<void> {
    const delay = Number(process.env.STRESS_TASK_DELAY_MS ?? 20);
    if (delay > 0) {
      await sleep(delay, undefined, { signal: ctx.signal });
    }
    await this.effects.record(ctx.version);
  }
}

/** `count` task classes, StressTask1..StressTaskN, versions from {@link taskVersion}. */
export function stressTasks(count: number): Type<DeployTask>[] {
  return Array.from({ length: count }, (_, index) => {
    const className = `StressTask${index + 1}`;
    // An object literal names the class, so Nest's messages show StressTask7, not an anonymous class.
    const cls = { [className]: class extends StressTask {} }[className];
    AfterPartyTask({ version: taskVersion(index), name: `stress-${index + 1}`, description: `Stress task ${index + 1}` })(cls);
    return cls;
  });
}
