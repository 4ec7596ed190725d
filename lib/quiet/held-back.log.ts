import { Logger } from '@nestjs/common';
import type { HeldBackJob } from './held-back-job.interface';
import { heldBackMessage } from './held-back.messages';

/**
 * Collects what a command holds back while the application boots and logs it in one line
 * once it has booted. Anything held back later (a job the app schedules at run time) gets a
 * line of its own.
 */
export class HeldBackLog {
  private readonly logger = new Logger('AfterParty');
  private pending: HeldBackJob[] = [];
  private booted = false;
  private flushScheduled = false;

  constructor(private readonly command: string) {}

  add(job: HeldBackJob): void {
    this.pending.push(job);
    if (this.booted && !this.flushScheduled) {
      this.flushScheduled = true;
      // Jobs added together (several in one bootstrap hook) share a line.
      setImmediate(() => this.flush());
    }
  }

  /** Logs what was held back during bootstrap. */
  bootstrapped(): void {
    this.booted = true;
    this.flush();
  }

  private flush(): void {
    this.flushScheduled = false;
    if (this.pending.length > 0) {
      this.logger.log(heldBackMessage(this.command, this.pending));
      this.pending = [];
    }
  }
}
