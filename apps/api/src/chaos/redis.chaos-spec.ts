// Chaos suite on Redis/BullMQ: two API processes sharing the queue; fails (never skips) without REDIS_URL's server.
import { describeChaos } from './testing/chaos.suite';

describeChaos('redis');
