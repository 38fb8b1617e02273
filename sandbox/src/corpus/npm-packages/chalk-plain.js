// chalk with output that is not a terminal: no colour codes, text as is.
import chalk, { Chalk } from 'chalk';

console.log(chalk.level);
console.log(chalk.red('error:'), chalk.bold.green('ok'), chalk.bgBlue.white(' info '));
console.log(JSON.stringify(chalk.yellow('warn')));
const forced = new Chalk({ level: 1 });
console.log(JSON.stringify(forced.red('red')), JSON.stringify(forced.bold.underline('bu')));
