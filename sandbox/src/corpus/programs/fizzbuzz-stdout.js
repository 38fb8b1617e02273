for (let i = 1; i <= 15; i++) process.stdout.write((i % 15 === 0 ? 'FizzBuzz' : i % 3 === 0 ? 'Fizz' : i % 5 === 0 ? 'Buzz' : String(i)) + (i < 15 ? ',' : '\n'));
