/** The client package's socket stand-in, under the name these tests use. */
export { FakeSocket, fakeSockets as socketFactory } from '@playground/client/testing';
