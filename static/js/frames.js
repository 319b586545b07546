// Decoding a frame (docs/protocol.md, "frame"): uint32 LE header length, JSON header, then the
// deflated blocks the header lists, one after another.

const TYPED = { float32: Float32Array, float64: Float64Array, uint8: Uint8Array };

/** The header, the named typed arrays of a binary frame (an ArrayBuffer), and each array's
 * shape (and a map's range) as its header states it: the page reads sizes from there, never
 * assumes them. */
export async function decodeFrame(buffer) {
  const view = new DataView(buffer);
  const length = view.getUint32(0, true);
  const header = JSON.parse(new TextDecoder().decode(new Uint8Array(buffer, 4, length)));
  const deflated = new Blob([new Uint8Array(buffer, 4 + length)]).stream();
  const body = await new Response(deflated.pipeThrough(new DecompressionStream("deflate"))).arrayBuffer();
  const arrays = {};
  const shapes = {};
  const ranges = {};
  let offset = 0;
  for (const block of header.blocks) {
    shapes[block.name] = block.shape;
    if (block.range) ranges[block.name] = block.range;
    const Typed = TYPED[block.dtype];
    if (!Typed) throw new Error(`frame block ${block.name} has an unknown dtype ${block.dtype}`);
    const count = block.shape.reduce((a, b) => a * b, 1);
    // Copy out: a typed array view needs an offset aligned to its element size.
    arrays[block.name] = new Typed(body.slice(offset, offset + count * Typed.BYTES_PER_ELEMENT));
    offset += count * Typed.BYTES_PER_ELEMENT;
  }
  if (offset !== body.byteLength) throw new Error(`frame body has ${body.byteLength} bytes, blocks ${offset}`);
  return { header, arrays, shapes, ranges };
}
