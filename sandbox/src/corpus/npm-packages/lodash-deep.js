// Deep get/set, merge, clone and equality on nested objects.
import _ from 'lodash';

const config = { server: { port: 8080, hosts: ['a', 'b'] }, debug: false };
console.log(_.get(config, 'server.hosts[1]'), _.get(config, 'server.tls.cert', 'none'));
const copy = _.cloneDeep(config);
_.set(copy, 'server.tls.cert', 'x.pem');
console.log(copy, config.server.tls);
console.log(_.merge({ a: { b: 1, c: [1] } }, { a: { d: 2, c: [undefined, 2] } }));
console.log(_.isEqual({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] }), _.isEqual([1], ['1']));
console.log(_.pick(config.server, ['port']), _.omit(config, 'server'));
console.log(_.camelCase('Foo Bar-baz'), _.kebabCase('fooBarBaz'), _.startCase('hello_world'), _.padStart('7', 3, '0'));
