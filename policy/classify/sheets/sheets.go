// Package sheets reads a bounded sample of rows from spreadsheet packages
// (XLSX and ODS) without writing anything to disk and without holding more
// than its limits allow in memory, whatever the input.
package sheets

import "errors"

// Sheet is a sample of one worksheet: its first rows, as text, and an
// estimate of how many rows the whole sheet has.
type Sheet struct {
	Name string
	// Rows are the first rows of the sheet (at most Limits.MaxRows), each
	// cell as text. Dates are rendered as ISO 8601 (2006-01-02). Empty
	// leading rows are kept as empty slices so row positions stay honest:
	// Rows[i] is row i+1 of the sheet. Trailing empty cells and rows are
	// dropped. Numbers are as stored, not as formatted for display;
	// booleans are TRUE and FALSE.
	Rows [][]string
	// TotalRows estimates the number of non-empty rows in the whole sheet,
	// including those in Rows. Exact reports whether it was counted to the
	// end rather than estimated: taken from the row range an XLSX sheet
	// declares, or counted only as far as Limits.MaxXMLBytes allowed.
	TotalRows int
	Exact     bool
}

// Limits bound the work done on one package. Every field needs a value: a
// zero limit lets nothing through.
type Limits struct {
	MaxSheets    int   // sheets read; later ones are ignored
	MaxRows      int   // rows sampled per sheet
	MaxCols      int   // cells kept per row; the rest are skipped, not stored
	MaxCellBytes int   // a longer cell is truncated
	MaxXMLBytes  int64 // decompressed bytes read from any one XML part
	MaxSSTBytes  int64 // decompressed bytes of xl/sharedStrings.xml read
}

// ErrLimit reports that a package exceeds what we are willing to read.
var ErrLimit = errors.New("over the reading limit")

// ErrMalformed reports that a package is not a well-formed spreadsheet.
var ErrMalformed = errors.New("malformed spreadsheet")
