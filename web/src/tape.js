// Rebuilds a value from the tape web/src/tape.rs writes (see there): ops
// (Uint32Array), numbers (Float64Array), the distinct strings concatenated
// (text) and their UTF-16 offsets. The arrays are views of the wasm memory:
// they are read here, synchronously, and never kept.
export function decodeTape(ops, numbers, text, offsets) {
  const n = offsets.length - 1;
  const table = new Array(n);
  let proto = -1;
  for (let i = 0; i < n; i += 1) {
    table[i] = text.slice(offsets[i], offsets[i + 1]);
    if (table[i] === '__proto__') proto = i;
  }
  let p = 0;
  const value = () => {
    const op = ops[p];
    p += 1;
    switch (op) {
      case 0: return null;
      case 1: return false;
      case 2: return true;
      case 3: p += 1; return numbers[ops[p - 1]];
      case 4: p += 1; return table[ops[p - 1]];
      case 5: {
        const a = [];
        while (ops[p] !== 7) a.push(value());
        p += 1;
        return a;
      }
      case 6: {
        const o = {};
        // Keys are string indexes + 1; 0 ends the object.
        while (ops[p] !== 0) {
          const k = ops[p] - 1;
          p += 1;
          const v = value();
          // As JSON.parse: "__proto__" is an own property, not the prototype.
          if (k === proto) Object.defineProperty(o, '__proto__', { value: v, enumerable: true, configurable: true, writable: true });
          else o[table[k]] = v;
        }
        p += 1;
        return o;
      }
      default: throw new Error(`netready: bad tape opcode ${op} at ${p - 1}`);
    }
  };
  return value();
}
