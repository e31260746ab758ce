package emotion

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
)

// The inputs cache is a private file of the work folder: a header of
// versions and clips, then per version and clip the frame count, the
// value count and the float32 values, little-endian.
const inputsMagic = "mynah-emotion-inputs-v1\n"

func writeInputs(path string, in *inputSet) error {
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	w.WriteString(inputsMagic)
	binary.Write(w, binary.LittleEndian, [2]uint32{uint32(len(in.rows)), uint32(len(in.rows[0]))})
	buf := make([]byte, 0, 1<<16)
	for v := range in.rows {
		for c, row := range in.rows[v] {
			binary.Write(w, binary.LittleEndian, [2]uint32{uint32(in.frames[v][c]), uint32(len(row))})
			buf = buf[:0]
			for _, x := range row {
				buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(x))
				if len(buf) >= 1<<16-4 {
					w.Write(buf)
					buf = buf[:0]
				}
			}
			w.Write(buf)
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// readInputs reads a cache written for the same clips and versions; any
// mismatch or damage is an error (the caller recomputes).
func readInputs(path string, versions, clips int) (*inputSet, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, err
	}
	r := bufio.NewReaderSize(f, 1<<20)
	magic := make([]byte, len(inputsMagic))
	if _, err := io.ReadFull(r, magic); err != nil || string(magic) != inputsMagic {
		return nil, errors.New("not an inputs cache")
	}
	var hdr [2]uint32
	if err := binary.Read(r, binary.LittleEndian, &hdr); err != nil {
		return nil, err
	}
	if int(hdr[0]) != versions || int(hdr[1]) != clips {
		return nil, fmt.Errorf("cache holds %d×%d, want %d×%d", hdr[0], hdr[1], versions, clips)
	}
	in := &inputSet{rows: make([][][]float32, versions), frames: make([][]int, versions)}
	left := st.Size()
	for v := range versions {
		in.rows[v] = make([][]float32, clips)
		in.frames[v] = make([]int, clips)
		for c := range clips {
			if err := binary.Read(r, binary.LittleEndian, &hdr); err != nil {
				return nil, err
			}
			if int64(hdr[1])*4 > left {
				return nil, errors.New("truncated inputs cache")
			}
			b := make([]byte, 4*int(hdr[1]))
			if _, err := io.ReadFull(r, b); err != nil {
				return nil, err
			}
			row := make([]float32, hdr[1])
			for i := range row {
				row[i] = math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:]))
			}
			in.rows[v][c], in.frames[v][c] = row, int(hdr[0])
		}
	}
	return in, nil
}
