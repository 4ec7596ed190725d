import { Module, type Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DiscoveryModule, DiscoveryService } from '@golevelup/nestjs-discovery';
import { Command } from 'commander';
import { CommandRunnerService } from 'nest-commander';
import { allCommandClasses } from '../../lib/commands';
import { KnownCommands } from '../../lib/cli/known-commands';

/** Every command's help, and what a parse of `argv` hands the command's run(), from a runner on `discovery`. */
async function programOf(discovery: unknown, argv: string[]): Promise<{ help: string[]; ran: unknown[] }> {
  const program = new Command('main');
  const runner = new CommandRunnerService(
    discovery as DiscoveryService,
    program,
    {
      errorHandler: (error) => {
        throw error;
      },
      outputConfiguration: { writeErr: () => undefined },
    },
    undefined as never,
  );
  await runner.onModuleInit();
  const help = program.commands.map((command) => command.helpInformation());
  const ran: unknown[] = [];
  await program.parseAsync(argv, { from: 'user' }).catch((error: Error) => ran.push(`error: ${error.message}`));
  return { help, ran };
}

describe('the command process finds its commands without searching the app (KnownCommands)', () => {
  const classes = allCommandClasses();
  // Instances that record what they were asked to run, as the app's command providers would run it.
  const calls: unknown[] = [];
  const instanceOf = (type: Type): object =>
    Object.assign(Object.create(type.prototype as object) as object, {
      run: async (params: string[], flags: unknown) => void calls.push({ type: type.name, params, flags }),
    });
  const instances = new Map(classes.map((type) => [type, instanceOf(type)]));

  async function searched(argv: string[]): Promise<{ help: string[]; ran: unknown[] }> {
    // The search nest-commander does: @golevelup/nestjs-discovery over every provider of an app.
    @Module({
      imports: [DiscoveryModule],
      providers: classes.map((type) => ({
        provide: type,
        useValue: instances.get(type),
      })),
    })
    class SearchedModule {}
    const app = await NestFactory.createApplicationContext(SearchedModule, {
      logger: false,
    });
    try {
      return await programOf(app.get(DiscoveryService), argv);
    } finally {
      await app.close();
    }
  }

  it.each([
    [1, 'after-party:run', '--limit', '3', '--tenants', 'a,b', '--json', '20240101000000'],
    [1, 'after-party:status', '--json'],
    [1, 'after-party:reset', 'backfill', '--tenant', 'acme'],
    [0, 'after-party:run', '--bogus'],
    [0, 'after-party:rn'],
  ])('builds the same commands, with the same help, and hands run() the same arguments as the search (%i run): %s', async (runs, ...argv) => {
    const args = argv as string[];
    calls.length = 0;
    const fromSearch = await searched(args);
    const searchCalls = [...calls];
    calls.length = 0;
    const known = await programOf(new KnownCommands(classes.map((type) => ({ type, instance: instances.get(type)! }))), args);
    expect(known.help).toEqual(fromSearch.help);
    expect(known.help).toHaveLength(classes.length);
    expect(known.ran).toEqual(fromSearch.ran);
    expect(calls).toEqual(searchCalls);
    expect(calls).toHaveLength(runs);
    expect(known.ran).toHaveLength(1 - runs);
  });
});
