import { describe, expect, it } from 'vitest';
import { shutdownOnSignals } from '../../runtime/index.js';

describe('shutdownOnSignals', () => {
  it('closes the resources in the order given and reports exit code 0', async () => {
    const order: string[] = [];
    const handle = shutdownOnSignals(
      [
        { close: async () => void order.push('subscriber') },
        { stop: async () => void order.push('relay') },
        async () => void order.push('store'),
      ],
      { exit: false, onShutdown: () => undefined },
    );
    const report = await handle.shutdown();
    handle.dispose();
    expect(order).toEqual(['subscriber', 'relay', 'store']);
    expect(report).toMatchObject({ reason: 'manual', closed: [0, 1, 2], failed: [], timedOut: false, exitCode: 0 });
  });

  it('keeps closing after a failure and reports exit code 1', async () => {
    const handle = shutdownOnSignals(
      [{ close: async () => Promise.reject(new Error('flush failed')) }, { close: async () => undefined }],
      { exit: false, onShutdown: () => undefined },
    );
    const report = await handle.shutdown();
    handle.dispose();
    expect(report.closed).toEqual([1]);
    expect(report.failed.map((entry) => entry.index)).toEqual([0]);
    expect(report.exitCode).toBe(1);
  });

  it('gives up at the deadline: timedOut, exit code 1', async () => {
    const handle = shutdownOnSignals([{ close: () => new Promise<void>(() => undefined) }], {
      exit: false,
      timeoutMilliseconds: 50,
      onShutdown: () => undefined,
    });
    const report = await handle.shutdown();
    handle.dispose();
    expect(report).toMatchObject({ timedOut: true, exitCode: 1, closed: [] });
  });

  it('runs on a signal, once', async () => {
    let closes = 0;
    const reports: unknown[] = [];
    const handle = shutdownOnSignals([{ close: async () => void (closes += 1) }], {
      signals: ['SIGUSR2'],
      exit: false,
      onShutdown: (report) => reports.push(report),
    });
    process.emit('SIGUSR2', 'SIGUSR2');
    const report = await handle.shutdown();
    handle.dispose();
    expect(closes).toBe(1);
    expect(reports).toHaveLength(1);
    expect(report.reason).toBe('SIGUSR2');
  });
});
