import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  decodeFileFrame,
  encodeFileData,
  encodeFileMessage,
  FILE_DATA_HEADER_BYTES,
  FileReply,
  FileRequest,
} from './file-frames.js';

test('a data frame carries its request id and offsets beyond 4 GiB', () => {
  const data = new Uint8Array([1, 2, 3]);
  const offset = 5 * 1024 ** 3 + 17;
  const frame = encodeFileData({ id: 0xfffffffe, offset, data });
  assert.equal(frame.length, FILE_DATA_HEADER_BYTES + 3);
  assert.deepEqual(decodeFileFrame(frame), { type: 'data', id: 0xfffffffe, offset, data });
});

test('a message frame round-trips and validates', () => {
  const request: FileRequest = { type: 'upload', id: 3, path: '/home/a/x', size: 10, resume: true };
  const frame = decodeFileFrame(encodeFileMessage(request));
  assert.ok(frame?.type === 'message');
  assert.deepEqual(FileRequest.parse(frame.message), request);
});

test('malformed frames and messages are rejected', () => {
  assert.equal(decodeFileFrame(new Uint8Array([])), undefined);
  assert.equal(decodeFileFrame(new Uint8Array([9, 1])), undefined);
  assert.equal(decodeFileFrame(new Uint8Array([2, 0, 0])), undefined);
  assert.equal(decodeFileFrame(new Uint8Array([1, 0x7b])), undefined);
  assert.equal(
    FileRequest.safeParse({ type: 'download', id: 1, path: '', offset: 0 }).success,
    false,
  );
  assert.equal(
    FileRequest.safeParse({ type: 'download', id: -1, path: '/a', offset: 0 }).success,
    false,
  );
  assert.equal(
    FileReply.safeParse({ type: 'done', id: 1, op: 'upload', path: '/a', size: 1, sha256: 'x' })
      .success,
    false,
  );
});
