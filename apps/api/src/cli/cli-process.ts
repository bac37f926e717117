/** What a command writes to: stdout and stderr in a process, buffers in tests. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

export type CliCommand = (
  argv: string[],
  env: Record<string, string | undefined>,
  io: CliIo,
) => Promise<number>;

/** Runs a command as the process (tools/run-cli.mjs bundles each entry): its code is the exit code, a throw 2. */
export function runAsProcess(command: CliCommand): void {
  command(process.argv.slice(2), process.env, {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
  }).then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(2);
    },
  );
}
