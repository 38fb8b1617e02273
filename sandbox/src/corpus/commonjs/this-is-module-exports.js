console.log(this === module.exports);
