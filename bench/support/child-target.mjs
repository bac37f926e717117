// A bench target runs in its own child process (so the load generator never shares its event loop):
// it reports `{url, …}` over IPC once listening and exits when sent 'stop'.
import { fork } from 'node:child_process';

export function startChildTarget(
  bundle,
  args,
  { cwd, env, execArgv = [], stdio = ['ignore', 'inherit', 'inherit', 'ipc'] } = {},
) {
  return new Promise((resolveTarget, reject) => {
    const child = fork(bundle, args, { cwd, env, execArgv, stdio });
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`${args[0]} target exited early (code ${code})`)));
    child.once('message', (msg) => {
      child.removeAllListeners('exit');
      resolveTarget({ ...msg, child });
    });
  });
}

/** Asks the target to stop; kills it if it has not exited within graceMs. */
export function stopChildTarget(target, graceMs = 5000) {
  return new Promise((done) => {
    const timer = setTimeout(() => {
      target.child.kill('SIGKILL');
      done();
    }, graceMs);
    target.child.once('exit', () => {
      clearTimeout(timer);
      done();
    });
    target.child.send('stop');
  });
}
