/**
 * The boot script of a gateway or worker instance (Amazon Linux 2023), as a pure
 * function of plain values so it can be read and tested without Pulumi.
 *
 * It installs Node from nodejs.org (checked against the release's SHASUMS256), fetches
 * the role's release from S3 with the instance role (no keys), runs `npm ci` for the
 * role's workspaces, and starts the role under systemd as an unprivileged user.
 * SIGTERM drains both services; workers additionally watch their Auto Scaling
 * lifecycle state, drain on scale-in and only then let the instance go.
 *
 * A boot that fails anywhere marks the instance Unhealthy, so Auto Scaling replaces it
 * instead of counting it in service; network steps are retried first. Secrets are read
 * with tracing off, so they reach neither the boot log nor CloudWatch Logs.
 *
 * The script is made of sections between `# --- begin NAME ---` and `# --- end NAME ---`
 * lines; tests run the prelude and the secrets section on their own (see `section`).
 */

export interface DrainHook {
  /** Auto Scaling group the instance belongs to (its name is fixed before launch). */
  groupName: string;
  /** The terminating lifecycle hook that holds the instance while it drains. */
  hookName: string;
}

export interface UserDataInput {
  role: 'gateway' | 'worker';
  region: string;
  nodeVersion: string;
  architecture: 'x86_64' | 'arm64';
  release: { bucket: string; key: string; sha256Archive?: string; entry: string; workspaces: ReadonlyArray<string> };
  /** Plain environment of the service (names from shared/src/config.ts). */
  environment: Readonly<Record<string, string>>;
  /** Environment variables read from SSM SecureString parameters at boot, never written into user data. */
  secretParameters?: Readonly<Record<string, string>>;
  /** How long systemd waits for a drain before it kills the service. */
  stopTimeoutSeconds: number;
  /** CloudWatch log group the service's output goes to. */
  logGroupName: string;
  drain?: DrainHook;
  /** What the on-instance health check probes besides the service being active. */
  health: HealthCheck;
  /**
   * Workers: start sandbox processes through a wrapper that gives them no network at all
   * (SANDBOX_EXEC_PATH; see SANDBOX_EXEC_PATH below).
   */
  isolateSandboxes?: boolean;
}

/**
 * Where the wrapper that starts sandbox processes without network lives on a worker, and
 * the variable that names it in the worker's environment. The worker's sandbox pool
 * forks its children with this as `execPath` when the variable is set; unset (a
 * developer's machine), children start as before.
 */
export const SANDBOX_EXEC_PATH = { variable: 'SANDBOX_EXEC_PATH', path: '/usr/local/bin/playground-sandbox-node' } as const;

/**
 * The instance's own health check, run every 30 s by a systemd timer once the boot is
 * done: the service is active, answers its health URL (gateways), and the instance's
 * role reaches the queue and the executions table. Three failures in a row mark the
 * instance Unhealthy and Auto Scaling replaces it; the workers have no load balancer
 * to do that for them, and the gateways' load balancer only sees /healthz.
 */
export interface HealthCheck {
  queueUrl: string;
  /** A table the role may GetItem on, and its hash key (a missing item is an answer). */
  table: string;
  hashKey: string;
  /** The service's own health endpoint on this instance, if it has one. */
  url?: string;
}

const SAFE_VALUE = /^[A-Za-z0-9_@%+=:,./\-]*$/;
const NAME = /^[A-Z][A-Z0-9_]*$/;

/** Single-quotes a value; valid for bash and for a systemd EnvironmentFile alike. */
function quote(value: string): string {
  if (SAFE_VALUE.test(value)) return value;
  if (/['\n\r\\]/.test(value)) throw new Error(`Refusing a value with quotes, backslashes or newlines: ${JSON.stringify(value)}`);
  return `'${value}'`;
}

/** The text of one `# --- begin NAME ---` ... `# --- end NAME ---` section of a rendered script. */
export function section(script: string, name: string): string {
  const match = new RegExp(`^# --- begin ${name} ---\n([\\s\\S]*?)^# --- end ${name} ---$`, 'm').exec(script);
  if (!match) throw new Error(`No section ${name} in the script`);
  return match[1]!;
}

export function renderUserData(input: UserDataInput): string {
  const { role, region, nodeVersion, architecture, release, environment, stopTimeoutSeconds, logGroupName } = input;
  if (!/^\d+\.\d+\.\d+$/.test(nodeVersion)) throw new Error(`nodeVersion must look like 24.21.0, got ${nodeVersion}`);
  for (const name of [...Object.keys(environment), ...Object.keys(input.secretParameters ?? {})]) {
    if (!NAME.test(name)) throw new Error(`Not an environment variable name: ${name}`);
  }
  const nodeArch = architecture === 'arm64' ? 'arm64' : 'x64';
  const nodeDist = `node-v${nodeVersion}-linux-${nodeArch}`;
  const envLines = Object.entries({
    ...environment,
    ...(input.isolateSandboxes ? { [SANDBOX_EXEC_PATH.variable]: SANDBOX_EXEC_PATH.path } : {}),
    AWS_REGION: region,
    NODE_ENV: 'production',
  })
    .map(([k, v]) => `${k}=${quote(v)}`)
    .join('\n');
  // Each secret: read into a variable (an assignment's status is what `set -e` sees; a
  // failed substitution inside printf's arguments is not), refused if empty, appended.
  const secretLines = Object.entries(input.secretParameters ?? {})
    .map(([k, parameter]) => [
      `echo "reading ${k} from SSM parameter ${quote(parameter)}"`,
      `value=$(retry aws ssm get-parameter --region ${region} --with-decryption --name ${quote(parameter)} --query Parameter.Value --output text)`,
      `if [ -z "$value" ] || [ "$value" = None ]; then echo "SSM parameter ${quote(parameter)} is empty" >&2; exit 1; fi`,
      `printf '%s=%s\\n' ${k} "$value" >> "$env_file"`,
    ].join('\n'))
    .join('\n');
  const workspaces = release.workspaces.map((w) => `-w ${quote(w)}`).join(' ');

  const { health } = input;
  const probes = [
    `systemctl is-active --quiet playground-${role}.service`,
    ...(health.url ? [`curl -sf -o /dev/null --max-time 5 ${quote(health.url)}`] : []),
    `aws sqs get-queue-attributes --region ${region} --queue-url ${quote(health.queueUrl)} --attribute-names ApproximateNumberOfMessages >/dev/null`,
    `aws dynamodb get-item --region ${region} --table-name ${quote(health.table)} --key '{"${health.hashKey}":{"S":"health-check"}}' >/dev/null`,
  ];
  const healthCheck = `
# --- begin health ---
# The instance's own health, every 30 s from now on (the boot is done): three failures in
# a row hand the instance back to Auto Scaling.
cat > /usr/local/bin/playground-health <<'HEALTH'
#!/bin/bash
# Is this ${role} of use? Its service runs, it answers, and its role reaches the queue
# and the table. Generated by infra/userdata.ts.
set -uo pipefail
failures_file=/run/playground-health-failures
imds() {
  local token
  token=$(curl -sf -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 300' http://169.254.169.254/latest/api/token)
  curl -sf -H "X-aws-ec2-metadata-token: $token" "http://169.254.169.254/latest/meta-data/$1"
}
check() {
  ${probes.join(' &&\n  ')}
}
if check; then
  echo 0 > "$failures_file"
  exit 0
fi
failures=$(( $(cat "$failures_file" 2>/dev/null || echo 0) + 1 ))
echo "$failures" > "$failures_file"
echo "playground-${role} health check failed ($failures in a row)" >&2
if [ "$failures" -ge 3 ]; then
  aws autoscaling set-instance-health --region ${region} --instance-id "$(imds instance-id)" --health-status Unhealthy --should-respect-grace-period
fi
HEALTH
chmod 755 /usr/local/bin/playground-health
cat > /etc/systemd/system/playground-health.service <<'UNIT'
[Unit]
Description=Health check of the playground ${role}

[Service]
Type=oneshot
ExecStart=/usr/local/bin/playground-health
UNIT
cat > /etc/systemd/system/playground-health.timer <<'UNIT'
[Unit]
Description=Health check of the playground ${role}, every 30 s

[Timer]
OnActiveSec=30
OnUnitActiveSec=30
AccuracySec=5

[Install]
WantedBy=timers.target
UNIT
systemctl daemon-reload
systemctl enable --now playground-health.timer
# --- end health ---
`;

  const drain = input.drain
    ? `
# Scale-in: the group holds this instance in Terminating:Wait; we stop taking messages,
# let running executions finish (SIGTERM drains the worker), then release the instance.
cat > /usr/local/bin/playground-drain-watch <<'WATCH'
#!/bin/bash
set -uo pipefail
imds() { curl -sf -H "X-aws-ec2-metadata-token: $(curl -sf -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 300' http://169.254.169.254/latest/api/token)" "http://169.254.169.254/latest/meta-data/$1"; }
while sleep 5; do
  if [ "$(imds autoscaling/target-lifecycle-state)" = "Terminated" ]; then
    systemctl stop playground-${role}.service
    aws autoscaling complete-lifecycle-action --region ${region} --auto-scaling-group-name ${quote(input.drain.groupName)} \\
      --lifecycle-hook-name ${quote(input.drain.hookName)} --instance-id "$(imds instance-id)" --lifecycle-action-result CONTINUE
    exit 0
  fi
done
WATCH
chmod 755 /usr/local/bin/playground-drain-watch
cat > /etc/systemd/system/playground-drain-watch.service <<'UNIT'
[Unit]
Description=Drain the ${role} when Auto Scaling terminates this instance
After=playground-${role}.service

[Service]
ExecStart=/usr/local/bin/playground-drain-watch
Restart=on-failure

[Install]
WantedBy=multi-user.target
UNIT
systemctl enable --now playground-drain-watch.service
`
    : '';

  return `#!/bin/bash
# Boot script of a playground ${role} (Amazon Linux 2023). Generated by infra/userdata.ts.
# --- begin prelude ---
boot_log=/var/log/playground-boot.log
env_file=/etc/playground/${role}.env
retry_delay=5
set -euo pipefail
exec > >(tee -a "$boot_log") 2>&1
set -x

# Instance metadata, IMDSv2 (the only version the launch template allows).
imds() {
  local token
  token=$(curl -sf -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 300' http://169.254.169.254/latest/api/token)
  curl -sf -H "X-aws-ec2-metadata-token: $token" "http://169.254.169.254/latest/meta-data/$1"
}

# Network steps fail transiently at boot (a route not yet up, a new role's credentials
# not yet everywhere): five tries, waiting longer each time.
retry() {
  local attempt=1
  until "$@"; do
    if [ "$attempt" -ge 5 ]; then return 1; fi
    sleep $((attempt * retry_delay))
    attempt=$((attempt + 1))
  done
}

# Whatever stops the boot (set -e, a refused secret, a failed download), the instance
# must not stay in service half-installed: tell Auto Scaling to replace it now, grace
# period or not.
boot_exit() {
  local status=$?
  if [ "$status" -ne 0 ]; then
    echo "playground boot failed (exit $status): marking this instance unhealthy" >&2
    aws autoscaling set-instance-health --region ${region} --instance-id "$(imds instance-id)" --health-status Unhealthy --no-should-respect-grace-period || true
  fi
  exit "$status"
}
trap boot_exit EXIT
# --- end prelude ---

# Node ${nodeVersion} from nodejs.org, verified against the published checksums.
cd /tmp
retry curl -fsSLO https://nodejs.org/dist/v${nodeVersion}/${nodeDist}.tar.xz
retry curl -fsSLO https://nodejs.org/dist/v${nodeVersion}/SHASUMS256.txt
grep " ${nodeDist}.tar.xz\$" SHASUMS256.txt | sha256sum -c -
mkdir -p /opt/node && tar -xJf ${nodeDist}.tar.xz -C /opt/node --strip-components=1
export PATH=/opt/node/bin:$PATH

# The release, fetched with the instance role.
useradd --system --home-dir /opt/playground --shell /sbin/nologin playground || true
mkdir -p /opt/playground /etc/playground /var/log/playground
retry aws s3 cp --region ${region} s3://${release.bucket}/${release.key} /tmp/release.tar.gz
${release.sha256Archive ? `echo "${release.sha256Archive}  /tmp/release.tar.gz" | sha256sum -c -\n` : ''}tar -xzf /tmp/release.tar.gz -C /opt/playground
cd /opt/playground
retry npm ci --omit=dev ${workspaces} --no-audit --no-fund
chown -R playground:playground /opt/playground /var/log/playground

${input.isolateSandboxes ? `# --- begin sandbox ---
# Sandbox processes get no network at all: the worker starts them through this wrapper,
# which gives each a network namespace of its own holding only a loopback that is down:
# no instance metadata (the role's credentials), no VPC, no internet. Their channel to
# the worker is an inherited socket pair, which needs none. Unprivileged user namespaces
# make this possible without root; without them the wrapper fails, and the check below
# fails the boot: a sandbox never runs with network.
cat > ${SANDBOX_EXEC_PATH.path} <<'SANDBOX'
#!/bin/sh
exec unshare --net --map-root-user /opt/node/bin/node "$@"
SANDBOX
chmod 755 ${SANDBOX_EXEC_PATH.path}
runuser -u playground -- ${SANDBOX_EXEC_PATH.path} -e 'require("node:net").connect(80, "169.254.169.254").on("connect", () => process.exit(1)).on("error", () => process.exit(0))'
# --- end sandbox ---

` : ''}# Environment: plain settings here, secrets fetched from SSM now (never in user data).
umask 077
cat > "$env_file" <<'ENV'
${envLines}
ENV
chmod 600 "$env_file"
# --- begin secrets ---
# Tracing is off while a secret is in a variable: the boot log goes to CloudWatch Logs.
{ set +x; } 2>/dev/null
${secretLines}
unset value
set -x
# --- end secrets ---

cat > /etc/systemd/system/playground-${role}.service <<'UNIT'
[Unit]
Description=Playground ${role}
After=network-online.target
Wants=network-online.target

[Service]
User=playground
WorkingDirectory=/opt/playground
EnvironmentFile=/etc/playground/${role}.env
ExecStart=/opt/node/bin/node ${release.entry}
# SIGTERM drains; this is how long a drain may take before systemd kills it.
KillSignal=SIGTERM
TimeoutStopSec=${stopTimeoutSeconds}
Restart=always
RestartSec=2
LimitNOFILE=65536
StandardOutput=append:/var/log/playground/${role}.log
StandardError=append:/var/log/playground/${role}.log

[Install]
WantedBy=multi-user.target
UNIT
systemctl daemon-reload
systemctl enable --now playground-${role}.service

# The service appends to one file and CloudWatch Logs keeps the history: rotate it
# before it fills the disk, checked hourly (copytruncate: systemd holds the file open).
retry dnf install -y logrotate
cat > /etc/logrotate.d/playground <<'ROTATE'
/var/log/playground/*.log /var/log/playground-boot.log {
    maxsize 100M
    daily
    rotate 3
    compress
    missingok
    notifempty
    copytruncate
}
ROTATE
mkdir -p /etc/systemd/system/logrotate.timer.d
printf '[Timer]\nOnCalendar=\nOnCalendar=hourly\n' > /etc/systemd/system/logrotate.timer.d/hourly.conf
systemctl daemon-reload
systemctl enable --now logrotate.timer

# Service output to CloudWatch Logs.
retry dnf install -y amazon-cloudwatch-agent
cat > /opt/aws/amazon-cloudwatch-agent/etc/amazon-cloudwatch-agent.json <<'CWA'
${JSON.stringify({ logs: { logs_collected: { files: { collect_list: [{ file_path: `/var/log/playground/${role}.log`, log_group_name: logGroupName, log_stream_name: '{instance_id}' }, { file_path: '/var/log/playground-boot.log', log_group_name: logGroupName, log_stream_name: '{instance_id}-boot' }] } } } }, null, 2)}
CWA
/opt/aws/amazon-cloudwatch-agent/bin/amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s -c file:/opt/aws/amazon-cloudwatch-agent/etc/amazon-cloudwatch-agent.json
${drain}${healthCheck}`;
}
