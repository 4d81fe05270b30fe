#!/usr/bin/env node
import { main } from './main.js';
import { exitQuietlyOnEpipe } from './plumbing.js';

exitQuietlyOnEpipe();

process.exitCode = await main(process.argv);
