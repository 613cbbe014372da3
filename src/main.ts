// The command line: `reciprocity <command>`. Every command has --help.
import { Command, CommanderError } from "commander";
import { ConfigError, loadConfig } from "./config.js";
import { startServer } from "./server.js";
import { openDatabase } from "./db/client.js";

/** Exit codes: 0 ok, 1 a finding (owed fees, ledger violation), 2 an error. */
export async function main(argv: string[]): Promise<number> {
  const exitCode = 0;
  const program = new Command()
    .name("reciprocity")
    .description("Licensing and reciprocity tracker for peer-production commons")
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  program
    .command("serve")
    .description("start the HTTP server (same as npm start); configured by environment variables, see README")
    .action(async () => {
      const config = loadConfig();
      const running = await startServer(config);
      const stop = () => {
        void running.close().then(() => process.exit(0));
      };
      process.once("SIGINT", stop);
      process.once("SIGTERM", stop);
      await new Promise(() => {});
    });

  program
    .command("backup <file>")
    .description("write a consistent online backup of the database to <file>")
    .action(async (file: string) => {
      const config = loadConfig();
      const db = openDatabase(config.DATABASE_PATH);
      try {
        await db.$client.backup(file);
        process.stdout.write(`backup written to ${file}\n`);
      } finally {
        db.$client.close();
      }
    });

  try {
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.message}\n`);
      return 2;
    }
    process.stderr.write(`error: ${err instanceof Error ? err.message : String(err)}\n`);
    return 2;
  }
  return exitCode;
}

// Run directly (`tsx src/main.ts ...`), as opposed to being imported by bin/ or tests.
if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  process.exitCode = await main(process.argv);
}
