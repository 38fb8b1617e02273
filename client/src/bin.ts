#!/usr/bin/env node
// The `playground` command: the CLI (./cli.ts) run on this process's arguments.
import { main } from './cli.ts';

process.exitCode = await main(process.argv.slice(2));
