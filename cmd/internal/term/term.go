// Package term answers what the commands ask of the terminal they write
// to: whether a writer is one (to draw progress or redraw a partial line
// only there) and how wide it is. It is internal to mynah's commands.
package term

import (
	"fmt"
	"io"
	"os"
)

// IsTerminal reports whether w is a character device (a terminal), so
// that a command draws in-place progress only where a person sees it and
// never into a file or a pipe.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// Width returns the columns of w when it is a terminal, else $COLUMNS,
// else 80.
func Width(w io.Writer) int {
	if f, ok := w.(*os.File); ok {
		if cols, ok := columns(f); ok && cols > 0 {
			return cols
		}
	}
	return widthFrom(os.Getenv("COLUMNS"))
}

// widthFrom reads $COLUMNS, falling back to 80.
func widthFrom(env string) int {
	var cols int
	if _, err := fmt.Sscan(env, &cols); err == nil && cols > 0 {
		return cols
	}
	return 80
}
