import { describe, expect, test } from 'vitest';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SANDBOX_EXEC_PATH, renderUserData, section, type UserDataInput } from './userdata.ts';
import { SHELLCHECK_SKIPPED, runShellcheck, shellcheck } from './testing/shellcheck.ts';

const base: UserDataInput = {
  role: 'worker',
  region: 'eu-west-1',
  nodeVersion: '24.21.0',
  architecture: 'x86_64',
  release: { bucket: 'releases-bucket', key: 'releases/worker-abc.tar.gz', sha256Archive: 'f'.repeat(64), entry: 'worker/src/main.ts', workspaces: ['shared', 'sandbox', 'worker'] },
  environment: { QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/q', EXECUTIONS_TABLE: 'playground-dev-executions' },
  stopTimeoutSeconds: 105,
  logGroupName: '/playground/dev/worker',
  health: { queueUrl: 'https://sqs.eu-west-1.amazonaws.com/123456789012/q', table: 'playground-dev-executions', hashKey: 'executionId' },
};

describe('the boot script', () => {
  test('verifies Node against the published checksums before installing it', () => {
    const script = renderUserData(base);
    expect(script).toContain('grep " node-v24.21.0-linux-x64.tar.xz$" SHASUMS256.txt | sha256sum -c -');
    expect(script.indexOf('sha256sum -c -')).toBeLessThan(script.indexOf('tar -xJf'));
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
    expect(script).toMatch(/^env_file=\/etc\/playground\/worker\.env$/m);
    expect(script).toContain('chmod 600 "$env_file"');
    expect(script.indexOf('umask 077')).toBeLessThan(script.indexOf('cat > "$env_file"'));
  });

  test('reads secrets from SSM at boot instead of embedding them', () => {
    const script = renderUserData(gateway);
    expect(script).toContain('aws ssm get-parameter --region eu-west-1 --with-decryption --name /playground-dev/integration-secret');
  });

  test('retries every download: nodejs.org, the release, npm and dnf', () => {
    const script = renderUserData(base);
    for (const step of ['curl -fsSLO https://nodejs.org/', 'aws s3 cp', 'npm ci', 'dnf install']) {
      expect(script.split('\n').filter((line) => line.includes(step)).every((line) => line.startsWith(`retry ${step.split(' ')[0]}`))).toBe(true);
    }
  });

  test("rotates the service's log and the boot log, hourly", () => {
    const script = renderUserData(base);
    const rules = heredoc(script, 'ROTATE');
    expect(rules).toContain('/var/log/playground/*.log /var/log/playground-boot.log {');
    expect(rules).toMatch(/maxsize \d+M/);
    // systemd keeps the file open in append mode: the file must be truncated, not moved.
    expect(rules).toContain('copytruncate');
    expect(script).toContain('OnCalendar=hourly');
    expect(script).toContain('systemctl enable --now logrotate.timer');
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

const gateway: UserDataInput = {
  ...base, role: 'gateway', secretParameters: { INTEGRATION_SECRET: '/playground-dev/integration-secret' }, stopTimeoutSeconds: 30, logGroupName: '/playground/dev/gateway',
  health: { ...base.health, url: 'http://127.0.0.1:8080/healthz' },
};
const worker: UserDataInput = { ...base, drain: { groupName: 'playground-dev-workers', hookName: 'drain' }, isolateSandboxes: true };

/** The body of a quoted heredoc (`<<'TAG'` ... `TAG`) the script writes to disk. */
const heredoc = (script: string, tag: string): string => {
  const match = new RegExp(`<<'${tag}'\\n([\\s\\S]*?)\\n${tag}$`, 'm').exec(script);
  if (!match) throw new Error(`no heredoc ${tag}`);
  return match[1]!;
};

describe('the rendered boot scripts pass shellcheck', () => {
  if (!runShellcheck) {
    test.skip(SHELLCHECK_SKIPPED, () => {});
    return;
  }

  test('the gateway boot script passes shellcheck', () => {
    expect(shellcheck(renderUserData(gateway))).toBe('');
  });

  test('the worker boot script passes shellcheck', () => {
    expect(shellcheck(renderUserData(worker))).toBe('');
  });

  test('the drain watcher it installs passes shellcheck', () => {
    expect(shellcheck(heredoc(renderUserData(worker), 'WATCH'))).toBe('');
  });

  test('the sandbox wrapper it installs passes shellcheck', () => {
    expect(shellcheck(heredoc(renderUserData(worker), 'SANDBOX'))).toBe('');
  });

  test('the health check it installs passes shellcheck', () => {
    for (const input of [gateway, worker]) expect(shellcheck(heredoc(renderUserData(input), 'HEALTH'))).toBe('');
  });
});

describe('reading the integration secret at boot', () => {
  const SECRET = 'boot-secret-4f1c9a0b7e2d';

  /**
   * Runs the script's prelude and secrets section under `bash -x`, as cloud-init would,
   * with `aws` and `curl` stubbed on PATH and the script's paths moved to a temporary
   * directory. The stubs record their arguments.
   */
  const boot = (stub: { ssmFails?: boolean; value?: string }) => {
    const dir = mkdtempSync(join(tmpdir(), 'boot-'));
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    const calls = join(dir, 'calls.log');
    writeFileSync(join(bin, 'aws'), `#!/bin/bash
echo "aws $*" >> ${calls}
case "$1 $2" in
  "ssm get-parameter") if [ -n "\${SSM_FAILS:-}" ]; then echo "AccessDeniedException" >&2; exit 254; fi; printf '%s\\n' "$SECRET_VALUE" ;;
esac
`);
    writeFileSync(join(bin, 'curl'), `#!/bin/bash
case "$*" in *api/token*) echo token ;; *instance-id*) echo i-0stub ;; *) exit 22 ;; esac
`);
    for (const f of ['aws', 'curl']) chmodSync(join(bin, f), 0o755);
    const script = renderUserData(gateway);
    const prelude = section(script, 'prelude')
      .replace(/^boot_log=.*$/m, `boot_log=${dir}/boot.log`)
      .replace(/^env_file=.*$/m, `env_file=${dir}/gateway.env`)
      .replace(/^retry_delay=.*$/m, 'retry_delay=0');
    writeFileSync(join(dir, 'boot.sh'), `${prelude}\n${section(script, 'secrets')}\necho boot-continued\n`);
    const run = spawnSync('bash', ['-x', join(dir, 'boot.sh')], {
      encoding: 'utf8',
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, SECRET_VALUE: stub.value ?? SECRET, ...(stub.ssmFails ? { SSM_FAILS: '1' } : {}) },
    });
    const read = (f: string) => (existsSync(join(dir, f)) ? readFileSync(join(dir, f), 'utf8') : '');
    return { status: run.status, output: `${run.stdout}${run.stderr}`, log: read('boot.log'), env: read('gateway.env'), calls: read('calls.log') };
  };

  test('the secret reaches the environment file but neither the traced output nor the boot log', () => {
    const run = boot({});
    expect(run.status).toBe(0);
    expect(run.output).toContain('boot-continued');
    expect(run.env).toContain(`INTEGRATION_SECRET=${SECRET}\n`);
    expect(run.output).not.toContain(SECRET);
    expect(run.log).not.toContain(SECRET);
    // Tracing resumes after the secrets: the rest of the boot stays debuggable.
    expect(run.log).toContain('+ echo boot-continued');
  });

  test('a failing SSM read stops the boot, after retries, and marks the instance unhealthy', () => {
    const run = boot({ ssmFails: true });
    expect(run.status).not.toBe(0);
    expect(run.output).not.toContain('boot-continued');
    expect(run.calls.split('\n').filter((c) => c.startsWith('aws ssm get-parameter'))).toHaveLength(5);
    expect(run.calls).toContain('aws autoscaling set-instance-health --region eu-west-1 --instance-id i-0stub --health-status Unhealthy --no-should-respect-grace-period');
    expect(run.env).not.toContain('INTEGRATION_SECRET');
  });

  test('an empty secret stops the boot and marks the instance unhealthy', () => {
    const run = boot({ value: '' });
    expect(run.status).not.toBe(0);
    expect(run.output).not.toContain('boot-continued');
    expect(run.calls).toContain('set-instance-health');
  });
});

describe("the instance's own health check", () => {
  /** Runs the installed health script `times` times with stubbed systemctl, curl and aws. */
  const probe = (input: UserDataInput, stub: { serviceDown?: boolean; tableUnreachable?: boolean }, times: number) => {
    const dir = mkdtempSync(join(tmpdir(), 'health-'));
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    const calls = join(dir, 'calls.log');
    const stubs: Record<string, string> = {
      systemctl: `echo "systemctl $*" >> ${calls}; ${stub.serviceDown ? 'exit 3' : 'exit 0'}`,
      curl: `echo "curl $*" >> ${calls}; case "$*" in *api/token*) echo token ;; *instance-id*) echo i-0stub ;; esac`,
      aws: `echo "aws $*" >> ${calls}; case "$1" in dynamodb) ${stub.tableUnreachable ? 'exit 255' : 'echo {}'} ;; *) echo {} ;; esac`,
    };
    for (const [name, body] of Object.entries(stubs)) {
      writeFileSync(join(bin, name), `#!/bin/bash\n${body}\n`);
      chmodSync(join(bin, name), 0o755);
    }
    const script = heredoc(renderUserData(input), 'HEALTH').replace(/^failures_file=.*$/m, `failures_file=${dir}/failures`);
    writeFileSync(join(dir, 'health.sh'), script);
    for (let i = 0; i < times; i++) spawnSync('bash', [join(dir, 'health.sh')], { env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
    return readFileSync(calls, 'utf8');
  };

  test('a healthy gateway checks its service, /healthz, the queue and the table, and reports nothing', () => {
    const calls = probe(gateway, {}, 3);
    expect(calls).toContain('systemctl is-active --quiet playground-gateway.service');
    expect(calls).toContain('curl -sf -o /dev/null --max-time 5 http://127.0.0.1:8080/healthz');
    expect(calls).toContain('aws sqs get-queue-attributes');
    expect(calls).toContain('aws dynamodb get-item --region eu-west-1 --table-name playground-dev-executions');
    expect(calls).not.toContain('set-instance-health');
  });

  test('a worker whose table is unreachable three times in a row is marked unhealthy', () => {
    expect(probe(worker, { tableUnreachable: true }, 2)).not.toContain('set-instance-health');
    expect(probe(worker, { tableUnreachable: true }, 3)).toContain('aws autoscaling set-instance-health --region eu-west-1 --instance-id i-0stub --health-status Unhealthy');
  });

  test('a worker whose service is down is marked unhealthy', () => {
    expect(probe(worker, { serviceDown: true }, 3)).toContain('--health-status Unhealthy');
  });
});

describe('sandbox processes on a worker', () => {
  test('the worker is told to start its sandboxes through the wrapper; gateways have none', () => {
    const script = renderUserData(worker);
    expect(script).toMatch(new RegExp(`^${SANDBOX_EXEC_PATH.variable}=${SANDBOX_EXEC_PATH.path}$`, 'm'));
    expect(heredoc(script, 'SANDBOX')).toContain('exec unshare --net --map-root-user /opt/node/bin/node "$@"');
    expect(renderUserData(gateway)).not.toContain(SANDBOX_EXEC_PATH.variable);
  });

  test('the boot fails unless a process started through the wrapper cannot reach the metadata service', () => {
    const block = section(renderUserData(worker), 'sandbox');
    expect(block).toMatch(/runuser -u playground -- \/usr\/local\/bin\/playground-sandbox-node -e .*169\.254\.169\.254.*process\.exit\(1\)/);
  });

  // Needs user namespaces, which some containers forbid; a real worker checks at boot.
  const canUnshare = spawnSync('unshare', ['--net', '--map-root-user', 'true']).status === 0;
  test.runIf(canUnshare)('a process started through the wrapper has no network, yet talks to its parent over IPC', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sandbox-'));
    const wrapper = join(dir, 'sandbox-node');
    writeFileSync(wrapper, heredoc(renderUserData(worker), 'SANDBOX').replace('/opt/node/bin/node', process.execPath));
    chmodSync(wrapper, 0o755);
    const child = join(dir, 'child.cjs');
    writeFileSync(child, `require('node:net').connect(80, '169.254.169.254')
  .on('connect', () => { process.send('connected'); process.exit(0); })
  .on('error', (err) => { process.send(err.code); process.exit(0); });`);
    const parent = join(dir, 'parent.cjs');
    writeFileSync(parent, `const c = require('node:child_process').fork(${JSON.stringify(child)}, [], { execPath: ${JSON.stringify(wrapper)}, env: {} });
c.on('message', (m) => console.log(m));`);
    const run = spawnSync(process.execPath, [parent], { encoding: 'utf8' });
    expect(run.stdout.trim()).toBe('ENETUNREACH');
  });
  if (!canUnshare) test.skip('SKIPPED: this machine forbids user namespaces, so the wrapper cannot be run here', () => {});
  // The other half is the worker's: SandboxPool forks through SANDBOX_EXEC_PATH (sandbox/src/pool.test.ts).
});
