/**
 * Follows one node's event log as the node appends to it: each read returns the whole lines
 * written since the last one. A line still being written stays for the next read; a log that
 * shrank (removed by `vaultlab reset`) is read again from its start.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { parseNodeLogLines, type NodeLogEvent } from '../node-event-log.ts';

/** The most one read takes in, so a long-running lab's first watcher does not stall the lab on a huge log. */
const MAX_READ_BYTES = 8 * 1024 * 1024;

export class EventLogTail {
  private offset = 0;
  /** The bytes after the last newline: a line still being written (kept as bytes, so a character split across reads stays whole). */
  private partial = Buffer.alloc(0);

  constructor(readonly file: string) {}

  /** The events appended since the last read (none while the file does not exist). */
  read(): NodeLogEvent[] {
    let fd: number;
    try {
      fd = openSync(this.file, 'r');
    } catch {
      return [];
    }
    try {
      const size = fstatSync(fd).size;
      if (size < this.offset) [this.offset, this.partial] = [0, Buffer.alloc(0)];
      // A first read of a huge log starts near its end: the dashboard shows the recent past only.
      if (size - this.offset > MAX_READ_BYTES) [this.offset, this.partial] = [size - MAX_READ_BYTES, Buffer.alloc(0)];
      const length = size - this.offset;
      if (length === 0) return [];
      const buf = Buffer.alloc(length);
      const got = readSync(fd, buf, 0, length, this.offset);
      this.offset += got;
      const bytes = Buffer.concat([this.partial, buf.subarray(0, got)]);
      const end = bytes.lastIndexOf(0x0a) + 1;
      this.partial = bytes.subarray(end);
      return parseNodeLogLines(bytes.subarray(0, end).toString('utf8').split('\n'));
    } finally {
      closeSync(fd);
    }
  }
}
