package safetensors

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"unicode/utf8"
)

// MaxHeaderSize is the largest header the reader accepts, the limit of the
// reference implementation (100 MB).
const MaxHeaderSize = 100_000_000

// MaxRank is the largest number of dimensions the reader accepts; it
// bounds what a shape in the header can make the reader allocate.
const MaxRank = 32

// metadataKey is the reserved header key of the string→string metadata.
const metadataKey = "__metadata__"

var (
	// ErrInvalid reports a file (or, for Write, tensors) that breaks the
	// format; the wrapped message says where.
	ErrInvalid = errors.New("safetensors: invalid")
	// ErrNotFound reports a tensor name that is not in the file.
	ErrNotFound = errors.New("safetensors: no such tensor")
)

func invalidf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
}

// Tensor is one named tensor to write: its raw little-endian bytes.
type Tensor struct {
	Name  string
	DType DType
	Shape []int
	Data  []byte
}

// Info describes a tensor in a parsed file.
type Info struct {
	Name  string
	DType DType
	Shape []int
	// Begin and End are the byte range within the data section.
	Begin, End int64
}

// NumElements returns the product of the shape (1 for a scalar).
func (t Info) NumElements() int {
	n := 1
	for _, d := range t.Shape {
		n *= d
	}
	return n
}

// numElements multiplies shape with overflow checks.
func numElements(shape []int) (int64, bool) {
	n := int64(1)
	for _, d := range shape {
		if d < 0 {
			return 0, false
		}
		if d == 0 {
			n = 0
			continue
		}
		if n > math.MaxInt64/int64(d) {
			return 0, false
		}
		n *= int64(d)
	}
	// A zero dimension anywhere makes the product zero, even after a
	// dimension that would have overflowed on its own.
	return n, true
}

// Write writes a safetensors file holding tensors, in the given order, and
// metadata (may be nil). Names must be unique, non-empty and not
// "__metadata__"; each tensor's Data must have exactly the size its dtype
// and shape imply. The output depends only on the arguments.
func Write(w io.Writer, tensors []Tensor, metadata map[string]string) error {
	header, err := buildHeader(tensors, metadata)
	if err != nil {
		return err
	}
	var prefix [8]byte
	binary.LittleEndian.PutUint64(prefix[:], uint64(len(header)))
	if _, err := w.Write(prefix[:]); err != nil {
		return fmt.Errorf("safetensors: write header length: %w", err)
	}
	if _, err := w.Write(header); err != nil {
		return fmt.Errorf("safetensors: write header: %w", err)
	}
	for _, t := range tensors {
		if _, err := w.Write(t.Data); err != nil {
			return fmt.Errorf("safetensors: write tensor %s: %w", t.Name, err)
		}
	}
	return nil
}

// buildHeader returns the JSON header padded with spaces to a multiple of 8
// bytes. Keys are written in a fixed order (metadata first, with sorted
// keys; then tensors in data order) so files are reproducible.
func buildHeader(tensors []Tensor, metadata map[string]string) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteByte('{')
	if len(metadata) > 0 {
		buf.WriteString(`"__metadata__":`)
		keys := make([]string, 0, len(metadata))
		for k := range metadata {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		buf.WriteByte('{')
		for i, k := range keys {
			if !utf8.ValidString(k) || !utf8.ValidString(metadata[k]) {
				return nil, invalidf("metadata %q: not valid UTF-8", k)
			}
			if i > 0 {
				buf.WriteByte(',')
			}
			writeJSONString(&buf, k)
			buf.WriteByte(':')
			writeJSONString(&buf, metadata[k])
		}
		buf.WriteByte('}')
	}
	seen := make(map[string]bool, len(tensors))
	offset := int64(0)
	for i, t := range tensors {
		if t.Name == "" || t.Name == metadataKey || !utf8.ValidString(t.Name) {
			return nil, invalidf("tensor %d: bad name %q", i, t.Name)
		}
		if seen[t.Name] {
			return nil, invalidf("duplicate tensor name %q", t.Name)
		}
		seen[t.Name] = true
		size := t.DType.Size()
		if size == 0 {
			return nil, invalidf("tensor %s: unknown dtype %q", t.Name, t.DType)
		}
		if len(t.Shape) > MaxRank {
			return nil, invalidf("tensor %s: rank %d above %d", t.Name, len(t.Shape), MaxRank)
		}
		n, ok := numElements(t.Shape)
		if !ok || n > math.MaxInt64/int64(size) {
			return nil, invalidf("tensor %s: bad shape %v", t.Name, t.Shape)
		}
		if int64(len(t.Data)) != n*int64(size) {
			return nil, invalidf("tensor %s: %d bytes, %s%v needs %d", t.Name, len(t.Data), t.DType, t.Shape, n*int64(size))
		}
		if buf.Len() > 1 {
			buf.WriteByte(',')
		}
		writeJSONString(&buf, t.Name)
		buf.WriteString(`:{"dtype":"`)
		buf.WriteString(string(t.DType))
		buf.WriteString(`","shape":[`)
		for j, d := range t.Shape {
			if j > 0 {
				buf.WriteByte(',')
			}
			buf.WriteString(strconv.Itoa(d))
		}
		buf.WriteString(`],"data_offsets":[`)
		buf.WriteString(strconv.FormatInt(offset, 10))
		buf.WriteByte(',')
		offset += int64(len(t.Data))
		buf.WriteString(strconv.FormatInt(offset, 10))
		buf.WriteString("]}")
	}
	buf.WriteByte('}')
	for buf.Len()%8 != 0 {
		buf.WriteByte(' ')
	}
	if buf.Len() > MaxHeaderSize {
		return nil, invalidf("header of %d bytes above %d", buf.Len(), MaxHeaderSize)
	}
	return buf.Bytes(), nil
}

func writeJSONString(buf *bytes.Buffer, s string) {
	// json.Marshal of a string cannot fail; it escapes <, > and & too,
	// which is valid JSON.
	b, _ := json.Marshal(s)
	buf.Write(b)
}

// File is a parsed safetensors file: its metadata and the index of its
// tensors. A File is safe for concurrent use.
type File struct {
	// Metadata is the "__metadata__" object (empty if absent).
	Metadata map[string]string

	infos  []Info // sorted by Begin
	byName map[string]int

	data      []byte      // the data section, when parsed from bytes
	r         io.ReaderAt // otherwise the source, and where its data starts
	dataStart int64
}

// Parse parses a whole file held in memory. Tensor bytes returned by the
// File alias buf, which must not change while the File is in use.
func Parse(buf []byte) (*File, error) {
	n, err := headerLength(buf, int64(len(buf)))
	if err != nil {
		return nil, err
	}
	f, err := parseHeader(buf[8:8+n], int64(len(buf))-8-n)
	if err != nil {
		return nil, err
	}
	f.data = buf[8+n:]
	return f, nil
}

// Open reads and checks the header of a file of the given size from r;
// tensor data are read from r when asked for. r must stay valid while the
// File is in use.
func Open(r io.ReaderAt, size int64) (*File, error) {
	var prefix [8]byte
	if size < 8 {
		return nil, invalidf("file of %d bytes is shorter than the 8-byte header length", size)
	}
	if _, err := r.ReadAt(prefix[:], 0); err != nil {
		return nil, fmt.Errorf("safetensors: read header length: %w", err)
	}
	n, err := headerLength(prefix[:], size)
	if err != nil {
		return nil, err
	}
	// n is now bounded by both MaxHeaderSize and the real size.
	header := make([]byte, n)
	if _, err := r.ReadAt(header, 8); err != nil {
		return nil, fmt.Errorf("safetensors: read header: %w", err)
	}
	f, err := parseHeader(header, size-8-n)
	if err != nil {
		return nil, err
	}
	f.r, f.dataStart = r, 8+n
	return f, nil
}

// headerLength reads the 8-byte length and checks it against the limits
// and the real size of the file before anything is allocated.
func headerLength(prefix []byte, size int64) (int64, error) {
	if size < 8 || len(prefix) < 8 {
		return 0, invalidf("file of %d bytes is shorter than the 8-byte header length", size)
	}
	n := binary.LittleEndian.Uint64(prefix)
	if n > MaxHeaderSize {
		return 0, invalidf("header length %d above the %d limit", n, MaxHeaderSize)
	}
	if n > uint64(size-8) {
		return 0, invalidf("header length %d but only %d bytes follow (truncated file?)", n, size-8)
	}
	if n < 2 {
		return 0, invalidf("header length %d too short for a JSON object", n)
	}
	return int64(n), nil
}

// parseHeader checks header JSON against a data section of dataLen bytes.
func parseHeader(header []byte, dataLen int64) (*File, error) {
	if header[0] != '{' {
		return nil, invalidf("header does not start with '{'")
	}
	if !utf8.Valid(header) {
		return nil, invalidf("header is not valid UTF-8")
	}
	f := &File{Metadata: map[string]string{}, byName: map[string]int{}}
	err := walkObject(header, func(key string, value json.RawMessage) error {
		if key == metadataKey {
			return walkObject(value, func(k string, v json.RawMessage) error {
				var s string
				if len(v) == 0 || v[0] != '"' {
					return invalidf("metadata %q: value is not a string", k)
				}
				if err := json.Unmarshal(v, &s); err != nil {
					return invalidf("metadata %q: %v", k, err)
				}
				f.Metadata[k] = s
				return nil
			})
		}
		info, err := parseEntry(key, value)
		if err != nil {
			return err
		}
		f.byName[key] = len(f.infos)
		f.infos = append(f.infos, info)
		return nil
	})
	if err != nil {
		return nil, err
	}
	// The tensors must tile the data section: sorted by offset, each
	// begins where the previous ends and the last ends at dataLen.
	slices.SortStableFunc(f.infos, func(a, b Info) int {
		if a.Begin != b.Begin {
			return compareInt64(a.Begin, b.Begin)
		}
		return compareInt64(a.End, b.End)
	})
	pos := int64(0)
	for i, t := range f.infos {
		if t.Begin != pos {
			if t.Begin < pos {
				return nil, invalidf("tensor %s: data [%d,%d) overlaps the previous tensor (ends at %d)", t.Name, t.Begin, t.End, pos)
			}
			return nil, invalidf("tensor %s: data begins at %d, leaving a gap after %d", t.Name, t.Begin, pos)
		}
		if t.End > dataLen {
			return nil, invalidf("tensor %s: data [%d,%d) beyond the %d-byte data section (truncated file?)", t.Name, t.Begin, t.End, dataLen)
		}
		pos = t.End
		f.byName[t.Name] = i
	}
	if pos != dataLen {
		return nil, invalidf("tensors cover %d bytes of a %d-byte data section", pos, dataLen)
	}
	return f, nil
}

func compareInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func parseEntry(name string, value json.RawMessage) (Info, error) {
	// Fields are matched exactly: encoding/json alone would also accept
	// "DType" or "Shape", which the reference reader rejects.
	var dtype, shapeRaw, offsetsRaw json.RawMessage
	err := walkObject(value, func(key string, v json.RawMessage) error {
		switch key {
		case "dtype":
			dtype = v
		case "shape":
			shapeRaw = v
		case "data_offsets":
			offsetsRaw = v
		default:
			return invalidf("tensor %s: unknown field %q", name, key)
		}
		return nil
	})
	if err != nil {
		return Info{}, err
	}
	if dtype == nil || shapeRaw == nil || offsetsRaw == nil {
		return Info{}, invalidf("tensor %s: needs dtype, shape and data_offsets", name)
	}
	var dtypeName string
	if dtype[0] != '"' || json.Unmarshal(dtype, &dtypeName) != nil {
		return Info{}, invalidf("tensor %s: dtype %s is not a string", name, dtype)
	}
	dt := DType(dtypeName)
	size := dt.Size()
	if size == 0 {
		return Info{}, invalidf("tensor %s: unknown dtype %q", name, dtypeName)
	}
	// Count the dimensions before decoding so a long shape cannot make
	// us allocate more than MaxRank ints.
	if c := bytes.Count(shapeRaw, []byte{','}); c >= MaxRank {
		return Info{}, invalidf("tensor %s: rank above %d", name, MaxRank)
	}
	var shape []uint64
	if err := json.Unmarshal(shapeRaw, &shape); err != nil || shape == nil {
		return Info{}, invalidf("tensor %s: shape %s is not a list of non-negative integers", name, shapeRaw)
	}
	var offsets []uint64
	if c := bytes.Count(offsetsRaw, []byte{','}); c != 1 {
		return Info{}, invalidf("tensor %s: data_offsets %s is not [begin, end]", name, offsetsRaw)
	}
	if err := json.Unmarshal(offsetsRaw, &offsets); err != nil || len(offsets) != 2 {
		return Info{}, invalidf("tensor %s: data_offsets %s is not [begin, end]", name, offsetsRaw)
	}
	info := Info{Name: name, DType: dt, Shape: make([]int, len(shape))}
	for i, d := range shape {
		if d > math.MaxInt32 {
			return Info{}, invalidf("tensor %s: dimension %d too large", name, d)
		}
		info.Shape[i] = int(d)
	}
	n, ok := numElements(info.Shape)
	if !ok || n > math.MaxInt64/int64(size) {
		return Info{}, invalidf("tensor %s: shape %v overflows", name, info.Shape)
	}
	begin, end := offsets[0], offsets[1]
	if end < begin || end > math.MaxInt64 {
		return Info{}, invalidf("tensor %s: data_offsets [%d,%d] out of order", name, begin, end)
	}
	if int64(end-begin) != n*int64(size) {
		return Info{}, invalidf("tensor %s: %d bytes at [%d,%d) but %s%v needs %d", name, end-begin, begin, end, dt, info.Shape, n*int64(size))
	}
	info.Begin, info.End = int64(begin), int64(end)
	return info, nil
}

// walkObject calls fn for each member of the JSON object in raw, in order,
// rejecting duplicate keys, non-object input and trailing data (trailing
// whitespace, such as the header's padding, is allowed).
func walkObject(raw []byte, fn func(key string, value json.RawMessage) error) error {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return invalidf("header JSON: %v", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return invalidf("header JSON: expected an object, found %v", tok)
	}
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return invalidf("header JSON: %v", err)
		}
		key, ok := tok.(string)
		if !ok {
			return invalidf("header JSON: expected a key, found %v", tok)
		}
		if seen[key] {
			return invalidf("header JSON: duplicate key %q", key)
		}
		seen[key] = true
		var value json.RawMessage
		if err := dec.Decode(&value); err != nil {
			return invalidf("header JSON: value of %q: %v", key, err)
		}
		if err := fn(key, value); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil { // the closing '}'
		return invalidf("header JSON: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return invalidf("header JSON: data after the object")
	}
	return nil
}

// Tensors returns the tensors in data order. The slice is the File's own;
// do not modify it.
func (f *File) Tensors() []Info { return f.infos }

// Info returns the description of the named tensor.
func (f *File) Info(name string) (Info, bool) {
	i, ok := f.byName[name]
	if !ok {
		return Info{}, false
	}
	return f.infos[i], true
}

// Bytes returns the named tensor's raw little-endian bytes. For a parsed
// buffer they alias it (no copy); for an opened file they are read into a
// new slice of the size already checked against the file.
func (f *File) Bytes(name string) ([]byte, error) {
	t, ok := f.Info(name)
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrNotFound, name)
	}
	if f.data != nil || f.r == nil {
		return f.data[t.Begin:t.End:t.End], nil
	}
	buf := make([]byte, t.End-t.Begin)
	if _, err := f.r.ReadAt(buf, f.dataStart+t.Begin); err != nil {
		return nil, fmt.Errorf("safetensors: read tensor %s: %w", name, err)
	}
	return buf, nil
}

// Float32s decodes the named F32, F16, BF16 or F64 tensor into dst, which
// must have exactly its number of elements. From a parsed buffer it decodes
// straight from the buffer; from an opened file it reads through a small
// fixed buffer, so neither path holds a second full copy.
func (f *File) Float32s(name string, dst []float32) error {
	t, ok := f.Info(name)
	if !ok {
		return fmt.Errorf("%w: %q", ErrNotFound, name)
	}
	if !t.DType.IsFloat() {
		return fmt.Errorf("safetensors: tensor %s is %s, not a float type", name, t.DType)
	}
	size := int64(t.DType.Size())
	if int64(len(dst))*size != t.End-t.Begin {
		return fmt.Errorf("safetensors: tensor %s has %d elements, destination %d", name, (t.End-t.Begin)/size, len(dst))
	}
	if f.data != nil || f.r == nil {
		return DecodeFloat32(dst, t.DType, f.data[t.Begin:t.End])
	}
	const chunk = 64 << 10 // bytes, a multiple of every dtype size
	buf := make([]byte, min(chunk, t.End-t.Begin))
	for off := t.Begin; off < t.End; {
		n := min(int64(len(buf)), t.End-off)
		if _, err := f.r.ReadAt(buf[:n], f.dataStart+off); err != nil {
			return fmt.Errorf("safetensors: read tensor %s: %w", name, err)
		}
		first := (off - t.Begin) / size
		if err := DecodeFloat32(dst[first:first+n/size], t.DType, buf[:n]); err != nil {
			return fmt.Errorf("safetensors: tensor %s: %w", name, err)
		}
		off += n
	}
	return nil
}
