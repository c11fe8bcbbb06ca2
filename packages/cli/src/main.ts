// The `tether` command's entry point.
import { main } from './program.js';

process.exitCode = await main(process.argv.slice(2), process.env);
