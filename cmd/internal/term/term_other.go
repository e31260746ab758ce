//go:build !unix

package term

import "os"

// columns is unknown here; Width falls back to $COLUMNS.
func columns(*os.File) (int, bool) { return 0, false }
