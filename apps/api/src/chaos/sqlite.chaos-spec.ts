// Chaos suite on the embedded SQLite store: one API process, which is also the worker (`npm run test:chaos`).
import { describeChaos } from './testing/chaos.suite';

describeChaos('sqlite');
