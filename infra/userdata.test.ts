import { describe, expect, test } from 'vitest';
import { renderUserData, type UserDataInput } from './userdata.ts';

const base: UserDataInput = {
  role: 'worker',
  region: 'eu-west-1',
  nodeVersion: '24.21.0',
  architecture: 'x86_64',
  release: { bucket: 'releases-bucket', key: 'releases/worker-abc.tar.gz', sha256Archive: 'f'.repeat(64), entry: 'worker/src/main.ts', workspaces: ['shared', 'worker'] },
  environment: { QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/q', EXECUTIONS_TABLE: 'playground-dev-executions' },
  stopTimeoutSeconds: 105,
  logGroupName: '/playground/dev/worker',
};

describe('the boot script', () => {
  test('verifies Node against the published checksums before installing it', () => {
    const script = renderUserData(base);
    expect(script).toContain('SHASUMS256.txt | grep " node-v24.21.0-linux-x64.tar.xz$" | sha256sum -c -');
  });

  test('installs the arm64 build of Node on Graviton instances', () => {
    expect(renderUserData({ ...base, architecture: 'arm64' })).toContain('node-v24.21.0-linux-arm64.tar.xz');
  });

  test('checks the release archive against its hash before unpacking it', () => {
    expect(renderUserData(base)).toContain(`echo "${'f'.repeat(64)}  /tmp/release.tar.gz" | sha256sum -c -`);
  });

  test('runs the service as an unprivileged user with the drain time systemd allows', () => {
    const script = renderUserData(base);
    expect(script).toContain('User=playground');
    expect(script).toContain('TimeoutStopSec=105');
    expect(script).toContain('KillSignal=SIGTERM');
  });

  test('writes the environment into a root-only file, region included', () => {
    const script = renderUserData(base);
    expect(script).toMatch(/^AWS_REGION=eu-west-1$/m);
    expect(script).toMatch(/^EXECUTIONS_TABLE=playground-dev-executions$/m);
    expect(script).toContain('chmod 600 /etc/playground/worker.env');
  });

  test('reads secrets from SSM at boot instead of embedding them', () => {
    const script = renderUserData({ ...base, role: 'gateway', secretParameters: { INTEGRATION_SECRET: '/playground-dev/integration-secret' } });
    expect(script).toContain('aws ssm get-parameter --region eu-west-1 --with-decryption --name /playground-dev/integration-secret');
  });

  test('watches the lifecycle state only when a drain hook is given', () => {
    expect(renderUserData(base)).not.toContain('complete-lifecycle-action');
    const script = renderUserData({ ...base, drain: { groupName: 'playground-dev-workers', hookName: 'drain' } });
    expect(script).toContain('autoscaling/target-lifecycle-state');
    expect(script).toContain('--auto-scaling-group-name playground-dev-workers');
    expect(script.indexOf('systemctl stop playground-worker.service')).toBeLessThan(script.indexOf('complete-lifecycle-action'));
  });

  test('refuses values that could break out of the environment file', () => {
    expect(() => renderUserData({ ...base, environment: { X: "a'b" } })).toThrow(/quotes/);
    expect(() => renderUserData({ ...base, environment: { X: 'a\nEVIL=1' } })).toThrow(/newlines/);
    expect(() => renderUserData({ ...base, environment: { 'bad name': 'x' } })).toThrow(/variable name/);
    expect(() => renderUserData({ ...base, nodeVersion: 'latest' })).toThrow(/nodeVersion/);
  });
});
