import 'reflect-metadata';
import { runAsProcess } from './cli-process';
import { runReconcile } from './reconcile-command';

runAsProcess(runReconcile);
