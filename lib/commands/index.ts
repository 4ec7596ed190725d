import type { Type } from '@nestjs/common';
import { CancelCommand } from './cancel.command';
import { MarkDoneCommand } from './mark-done.command';
import { PauseCommand } from './pause.command';
import { ResetCommand } from './reset.command';
import { ResumeCommand } from './resume.command';
import { RunCommand } from './run.command';
import { StatusCommand } from './status.command';

/** Every after-party command (providers for nest-commander). */
export const commandClasses: Type[] = [RunCommand, StatusCommand, MarkDoneCommand, ResetCommand, PauseCommand, ResumeCommand, CancelCommand];
