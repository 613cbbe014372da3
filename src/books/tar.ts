// A minimal POSIX ustar writer (POSIX.1-1988 as pax describes it): regular files only, read one at a
// time from a folder, so the treasurer's download streams an export of any size in constant memory.
// Written here rather than taken from a package: 60 lines, no options we need beyond these, and the
// format has been fixed since 1988. GNU tar, bsdtar and Python's tarfile read what it writes.
import { readdir, readFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { assert } from "../shared/errors.js";

const BLOCK = 512;

function octal(value: number, width: number): string {
  // width − 1 octal digits and a NUL.
  return `${value.toString(8).padStart(width - 1, "0")}\0`;
}

/** Splits a path over ustar's `prefix` (155 bytes) and `name` (100 bytes) fields at a slash. */
function splitPath(path: string): { prefix: string; name: string } {
  if (Buffer.byteLength(path) <= 100) return { prefix: "", name: path };
  for (let i = path.indexOf("/"); i !== -1; i = path.indexOf("/", i + 1)) {
    const prefix = path.slice(0, i);
    const name = path.slice(i + 1);
    if (Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(name) <= 100) return { prefix, name };
  }
  throw new Error(`path too long for ustar: ${path}`);
}

/** The 512-byte header of a regular file (mode 0644, owner 0, the given modification time). */
export function tarHeader(path: string, size: number, mtimeSeconds: number): Buffer {
  const header = Buffer.alloc(BLOCK);
  const { prefix, name } = splitPath(path);
  header.write(name, 0, 100, "utf8");
  header.write(octal(0o644, 8), 100, "ascii");
  header.write(octal(0, 8), 108, "ascii");
  header.write(octal(0, 8), 116, "ascii");
  header.write(octal(size, 12), 124, "ascii");
  header.write(octal(mtimeSeconds, 12), 136, "ascii");
  header.write("        ", 148, "ascii"); // the checksum field counts as spaces while summing
  header.write("0", 156, "ascii");
  header.write("ustar\u000000", 257, "ascii");
  header.write(prefix, 345, 155, "utf8");
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, "0")}\0 `, 148, "ascii");
  return header;
}

/** The files under `dir` as a ustar archive, each under `root/`, in sorted order; then the two zero blocks. */
export async function* tarFolder(dir: string, root: string, mtime: Date): AsyncGenerator<Buffer> {
  const found = await readdir(dir, { recursive: true, withFileTypes: true });
  const paths = found
    .filter((f) => f.isFile())
    .map((f) => relative(dir, join(f.parentPath, f.name)).split("\\").join("/"))
    .sort();
  const seconds = Math.floor(mtime.getTime() / 1000);
  for (const path of paths) {
    const content = await readFile(join(dir, path));
    assert(content.length < 8 ** 11, "a file fits ustar's size field");
    yield tarHeader(`${root}/${path}`, content.length, seconds);
    yield content;
    const pad = (BLOCK - (content.length % BLOCK)) % BLOCK;
    if (pad > 0) yield Buffer.alloc(pad);
  }
  yield Buffer.alloc(2 * BLOCK);
}
