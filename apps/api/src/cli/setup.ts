import 'reflect-metadata';
import { runAsProcess } from './cli-process';
import { runSetup } from './setup-command';

runAsProcess((argv, env, io) => runSetup(argv, env, io));
