import { CommandMeta } from 'nest-commander/src/constants';
import { allCommandClasses, commandClassesFor } from '../../lib/commands';

const nameOf = (type: object): string => (Reflect.getMetadata(CommandMeta, type) as { name: string }).name;

describe('the command providers a process registers', () => {
  const names = allCommandClasses().map(nameOf);

  it('are, for a process started with one command, that command alone, under the name it answers to', () => {
    expect(names).toEqual(
      expect.arrayContaining(['after-party:run', 'after-party:status', 'after-party:mark-done', 'after-party:reset', 'after-party:pause', 'after-party:resume', 'after-party:cancel']),
    );
    for (const name of names) {
      const classes = commandClassesFor(name);
      expect(classes.map(nameOf)).toEqual([name]);
    }
  });

  it('are every command for a name that is none (a typo, --help), so that the usage error can list them', () => {
    expect(new Set(names).size).toBe(names.length);
    for (const argument of ['after-party:rnu', 'after-party', '--help', undefined]) {
      expect(commandClassesFor(argument).map(nameOf)).toEqual(names);
    }
  });
});
