class Door extends EventTarget {
  open() { this.dispatchEvent(new Event('open')); }
}
const d = new Door();
d.addEventListener('open', () => console.log('opened'));
d.open();
console.log(d instanceof EventTarget, Object.prototype.toString.call(d));
