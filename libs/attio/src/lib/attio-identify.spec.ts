import { UpstreamError } from '@aia/platform';
import { startAttioStack } from '../testing/attio-stack.fixtures';

describe('AttioClient.identify (GET /v2/self) against the Attio emulator', () => {
  it('reports the active token, its workspace and scopes', async () => {
    const stack = await startAttioStack();
    try {
      const self = await stack.client.identify();
      expect(self).toMatchObject({ active: true, workspace_id: stack.emulator.state.workspaceId });
      expect(self.active && self.scope.split(' ')).toContain('webhook:read-write');
      expect(stack.calls).toHaveLength(1);
    } finally {
      await stack.close();
    }
  });

  it('classifies an unknown token as auth (401), in one attempt', async () => {
    const stack = await startAttioStack({ token: 'wrong-token' });
    try {
      const err = await stack.client.identify().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(UpstreamError);
      expect(err).toMatchObject({ kind: 'auth', upstream: { status: 401 }, operation: 'self.identify' });
      expect(stack.calls).toHaveLength(1);
    } finally {
      await stack.close();
    }
  });
});
