// os: fixed, plausible values for a small Linux machine. Nothing here comes from the
// host: the machine that runs a program is not its business.
const cpu = { model: 'Playground vCPU', speed: 2400, times: { user: 100000, nice: 0, sys: 50000, idle: 1000000, irq: 0 } };
const signals = {
  SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGILL: 4, SIGTRAP: 5, SIGABRT: 6, SIGIOT: 6, SIGBUS: 7, SIGFPE: 8, SIGKILL: 9,
  SIGUSR1: 10, SIGSEGV: 11, SIGUSR2: 12, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15, SIGCHLD: 17, SIGSTKFLT: 16,
  SIGCONT: 18, SIGSTOP: 19, SIGTSTP: 20, SIGTTIN: 21, SIGTTOU: 22, SIGURG: 23, SIGXCPU: 24, SIGXFSZ: 25,
  SIGVTALRM: 26, SIGPROF: 27, SIGWINCH: 28, SIGIO: 29, SIGPOLL: 29, SIGPWR: 30, SIGSYS: 31,
};
const errno = { E2BIG: 7, EACCES: 13, EADDRINUSE: 98, EAGAIN: 11, EBADF: 9, EEXIST: 17, EINVAL: 22, EISDIR: 21, ENOENT: 2, ENOTDIR: 20, ENOTEMPTY: 39, EPERM: 1, EPIPE: 32 };
const priority = { PRIORITY_LOW: 19, PRIORITY_BELOW_NORMAL: 10, PRIORITY_NORMAL: 0, PRIORITY_ABOVE_NORMAL: -7, PRIORITY_HIGH: -14, PRIORITY_HIGHEST: -20 };

export default {
  arch: () => 'x64',
  availableParallelism: () => 1,
  cpus: () => [structuredClone(cpu)],
  endianness: () => 'LE',
  freemem: () => 268_435_456,
  getPriority: () => 0,
  setPriority: () => {},
  homedir: () => '/home/user',
  hostname: () => 'playground',
  loadavg: () => [0, 0, 0],
  networkInterfaces: () => ({}),
  platform: () => 'linux',
  release: () => '6.1.0',
  tmpdir: () => '/tmp',
  totalmem: () => 536_870_912,
  type: () => 'Linux',
  userInfo: () => ({ uid: 1000, gid: 1000, username: 'user', homedir: '/home/user', shell: '/bin/sh' }),
  uptime: () => 3600,
  version: () => '#1 SMP',
  machine: () => 'x86_64',
  constants: { signals, errno, priority, UV_UDP_REUSEADDR: 4, dlopen: {} },
  EOL: '\n',
  devNull: '/dev/null',
};
