//go:build !unix

package main

import "os"

// termColumns is unknown here; the caller falls back to $COLUMNS.
func termColumns(*os.File) (int, bool) { return 0, false }

// processCPU is not measured on this system; --stats says so.
func processCPU() (float64, bool) { return 0, false }
