// Package safetensors reads and writes the safetensors tensor file format
// (https://github.com/huggingface/safetensors), the format of mynah's model
// files and checkpoints.
//
// A file is an 8-byte little-endian unsigned header length N, N bytes of
// UTF-8 JSON, then the data section. The JSON object maps each tensor name
// to {"dtype", "shape", "data_offsets": [begin, end]}, byte offsets
// relative to the start of the data section, and may hold one
// "__metadata__" object of string to string. Tensors are little-endian and
// row-major.
//
// The reader is strict, like the reference Rust implementation and a little
// more: the header is at most 100 MB and no longer than the file, it is
// valid UTF-8 JSON with no duplicate keys, no unknown fields and nothing
// after it, every dtype is known, each tensor's byte size agrees with its
// dtype and shape, and the tensors tile the data section exactly (sorted
// by offset, each begins where the previous ends, the last ends at the end
// of the file). Everything is checked against the real input size before
// anything the header merely claims is allocated, so a lying header costs
// at most the header itself.
//
// Parse works on a byte slice (a file read into memory, or bytes embedded
// with //go:embed) without copying tensor data; Open reads the header from
// an io.ReaderAt and tensor data on demand. Write streams a file and
// pads the header with spaces so that the data section starts on an
// 8-byte boundary, as the reference writer does.
package safetensors
