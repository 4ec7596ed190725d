import { SerialRecordWriter } from '../../lib/records/serial-record.writer';

/** The single writer of a running record: progress saves and checkpoints never overlap. */
describe('SerialRecordWriter', () => {
  it('starts a write only once the one before it settled, failed ones included, in the order they came', async () => {
    const log: string[] = [];
    const updates: Array<{ checkpoint?: unknown }> = [];
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const writer = new SerialRecordWriter({ updateRun: async (_id: string, update: { checkpoint?: unknown }) => void (log.push('checkpoint'), updates.push(update)) } as never, 'run-1');

    const first = writer.inTurn(async () => {
      log.push('progress start');
      await held;
      log.push('progress end');
      throw new Error('the progress save failed');
    });
    const second = writer.saveCheckpoint({ cursor: 7 });
    const third = writer.inTurn(async () => log.push('next progress'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(log).toEqual(['progress start']);
    expect(updates).toEqual([]);

    release();
    await expect(first).rejects.toThrow('the progress save failed');
    await second;
    await third;
    await writer.settled();
    expect(log).toEqual(['progress start', 'progress end', 'checkpoint', 'next progress']);
    expect(updates).toEqual([{ checkpoint: { cursor: 7 } }]);
  });
});
