export * from './lib/checkout.module';
export * from './lib/checkout-throttling';
export * from './lib/sessions/checkout-token.service';
export * from './lib/dto/complete-checkout.dto';
export * from './lib/admin-checkout-sessions.controller';
