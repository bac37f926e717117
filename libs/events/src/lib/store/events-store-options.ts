import type { RedisDurability } from '../inbox/redis-aof-durability';

export type { RedisDurability };

// The store's own options, merged into EventsModuleOptions (declaration merging) so they are set where the
// other options are: `EventsModule.forRootAsync({ useFactory: () => ({ redisDurability: 'waitaof' }) })`.
declare module '../events-options' {
  interface EventsModuleOptions {
    /**
     * Redis backend only. 'none' (default): a webhook is acknowledged once Redis has it in memory; what a
     * Redis crash can lose then depends on its persistence (AOF `appendfsync everysec`: up to ~1 s of
     * writes). 'waitaof': acknowledged only after `WAITAOF 1 0` confirms the AOF fsync of the inbox write
     * (Redis >= 7.2 with appendonly on; on any other server every webhook is refused with a clear error and
     * readiness is down). docs/events.md, "Durability".
     */
    redisDurability?: RedisDurability;
  }
}
