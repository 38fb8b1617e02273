// rxjs with timers and subjects: interval, Subject, mergeMap, firstValueFrom.
import { interval, Subject, BehaviorSubject, firstValueFrom, lastValueFrom, timer } from 'rxjs';
import { take, map, mergeMap, toArray, debounceTime } from 'rxjs/operators';

const subject = new Subject();
subject.pipe(map((x) => x.toUpperCase())).subscribe((x) => console.log('subject:', x));
subject.next('a');
subject.next('b');
subject.complete();

const state = new BehaviorSubject(0);
state.subscribe((v) => console.log('state', v));
state.next(1);

const ticks = await lastValueFrom(interval(5).pipe(take(4), toArray()));
console.log('ticks', ticks);
const doubled = await firstValueFrom(timer(1).pipe(mergeMap(() => [7, 8]), map((x) => x * 2)));
console.log('first', doubled);

const typed = new Subject();
typed.pipe(debounceTime(10)).subscribe((v) => console.log('debounced', v));
typed.next('h'); typed.next('he'); typed.next('hello');
setTimeout(() => typed.complete(), 30);
