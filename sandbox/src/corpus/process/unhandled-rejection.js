console.log('start');
Promise.reject(new Error('rejected and unhandled'));
