import { InProcessKeyedLock } from './in-process-keyed-lock';
import { keyedLockContract } from './keyed-lock.contract';

keyedLockContract('in-process', () => new InProcessKeyedLock());
