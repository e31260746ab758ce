//go:build unix

package term

import (
	"os"

	"golang.org/x/sys/unix"
)

// columns asks the terminal driver for its width (TIOCGWINSZ).
func columns(f *os.File) (int, bool) {
	ws, err := unix.IoctlGetWinsize(int(f.Fd()), unix.TIOCGWINSZ)
	if err != nil {
		return 0, false
	}
	return int(ws.Col), true
}
