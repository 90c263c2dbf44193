/**
 * The emulator's own tests (emulator/tests/test_*.py, Python's stdlib unittest run by the python3 that has moto):
 * what it refuses and emits, probed with boto3 as AWS would be, and its pure engines (filter patterns, delivery
 * decisions). Seconds, in-process (moto's ThreadedMotoServer with the extensions).
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { describeWithTools } from './support/tools';

const describeEmu = describeWithTools(['moto_server', 'python3'], 'the emulator self-tests (emulator/tests)');

describeEmu('emulator self-tests (python3 -m unittest)', () => {
  it('pass', () => {
    const dir = path.join(__dirname, '..', 'emulator', 'tests');
    const run = spawnSync('python3', ['-m', 'unittest', 'discover', '-s', dir, '-t', dir, '-p', 'test_*.py'], { encoding: 'utf8', timeout: 110000 });
    const output = `${run.stdout ?? ''}${run.stderr ?? ''}`;
    if (run.status !== 0) throw new Error(`emulator self-tests failed (exit ${run.status}):\n${output.slice(-6000)}`);
    expect(output).toMatch(/\nOK\b/);
    expect(Number(/Ran (\d+) tests?/.exec(output)?.[1] ?? 0)).toBeGreaterThan(10);
  });
});
